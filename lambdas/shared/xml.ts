/**
 * Strict XML reading for the feed connectors (sources/rss.ts) and the S3 REST adapter (adapters/s3-http.ts), on
 * @rgrove/parse-xml: a conforming, non-validating parser (~14 KB minified) that rejects any document that is not
 * well-formed, with the line and column of the problem.
 *
 * Safe by construction: it never reads external entities or DTDs, and it does not expand entities declared in a
 * document's DOCTYPE (no XXE, no "billion laughs"); only XML's five predefined entities and numeric character references
 * are decoded. An undeclared named reference such as `&nbsp;` or `&mdash;` (common in feeds written as HTML) stays in the
 * text as written, which sources/normalize.ts' htmlToText decodes like the rest of the HTML.
 */
import { parseXml, XmlElement, XmlError, XmlText } from "@rgrove/parse-xml";

export { XmlElement };

export type XmlReadResult = { ok: true; root: XmlElement } | { ok: false; error: XmlSyntaxError };

/** Why a document is not well-formed: the parser's message without its excerpt, and where. */
export interface XmlSyntaxError {
    message: string;
    line: number;
    column: number;
}

export function readXml(text: string): XmlReadResult {
    try {
        const root = parseXml(text, { ignoreUndefinedEntities: true }).root;
        if (!root) return { ok: false, error: { message: "Root element is missing", line: 1, column: 1 } };
        return { ok: true, root };
    } catch (error) {
        if (!(error instanceof XmlError)) throw error;
        // The message ends with " (line L, column C)" and an excerpt of the document: both are reported separately.
        const message = error.message.replace(/\s*\(line \d+, column \d+\)[\s\S]*$/, "");
        return { ok: false, error: { message, line: error.line, column: error.column } };
    }
}

/** "message (line L, column C)" */
export function describeXmlError(error: XmlSyntaxError): string {
    return `${error.message} (line ${error.line}, column ${error.column})`;
}

/** The child elements of `element`, all or those named `name` (qualified name as written, e.g. `dc:date`). */
export function childElements(element: XmlElement, name?: string): XmlElement[] {
    const out: XmlElement[] = [];
    for (const child of element.children) if (child instanceof XmlElement && (name === undefined || child.name === name)) out.push(child);
    return out;
}

/** The text of the first child element named `name`, or undefined if there is none. */
export function childText(element: XmlElement, name: string): string | undefined {
    for (const child of element.children) if (child instanceof XmlElement && child.name === name) return child.text;
    return undefined;
}

/** The element's own text (text and CDATA children, not that of nested elements). */
export function ownText(element: XmlElement): string {
    let text = "";
    for (const child of element.children) if (child instanceof XmlText) text += child.text;
    return text;
}
