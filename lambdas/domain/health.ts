/** What GET /health reports. It makes no downstream calls: it answers whether this function runs and which build. */
export interface HealthReport {
    status: "ok";
    service: string;
    environment: string;
    version: string | null;
    runtime: string;
}

export function healthReport(service: string, environment: string, version: string | undefined): HealthReport {
    return { status: "ok", service, environment, version: version ?? null, runtime: `nodejs ${process.version}` };
}
