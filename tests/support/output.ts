/**
 * What a handler prints while `action` runs, as Lambda would collect it: structured log lines (Powertools: WARN and
 * ERROR through stderr, the rest through stdout) and EMF metric lines (stdout), in the order written. Nothing reaches
 * the terminal meanwhile.
 */
export async function capturingOutput<T>(action: () => Promise<T>): Promise<{ result: T; lines: string[] }> {
    const lines: string[] = [];
    const streams = [process.stdout, process.stderr];
    const writes = streams.map((stream) => stream.write);
    for (const stream of streams)
        stream.write = ((chunk: string | Uint8Array) =>
            lines.push(...String(chunk).split("\n").filter(Boolean)) >= 0) as typeof stream.write;
    try {
        return { result: await action(), lines };
    } finally {
        streams.forEach((stream, index) => (stream.write = writes[index]!));
    }
}
