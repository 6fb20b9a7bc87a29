import * as z from "../zod";
import {
    compact,
    defineConnector,
    parseEntries,
    parseEnvelope,
    parseJsonPayload,
    reject,
    toRawPayload,
    type FetchContext,
    type ParseResult,
    type RawPayload,
    type SourceConnector,
} from "./connector";
import { assertDeclaredUserAgent } from "./http";
import { clip, htmlToText, isoFromFeedDate, isoFromIso8601 } from "./normalize";
import { normalizeCik, SEC_FORM } from "./patterns";
import { readFeed } from "./rss";

/**
 * SEC EDGAR: the "latest filings" Atom feed per form type, and the submissions JSON per company (CIK). EDGAR's fair-access
 * policy requires a declared User-Agent ("Company Name admin@company.com") on every request and at most 10 requests/s;
 * the HTTP client enforces both for *.sec.gov (http.ts).
 */

export const SEC_CURRENT_FILINGS_URL = "https://www.sec.gov/cgi-bin/browse-edgar";
export const SEC_SUBMISSIONS_URL = "https://data.sec.gov/submissions";

export { normalizeCik, SEC_FORM };

const ACCESSION = /^\d{10}-\d{2}-\d{6}$/;

/** The archive URL of a filing's primary document, or of its index page when there is no primary document. */
export function secFilingUrl(cik: string, accessionNumber: string, primaryDocument?: string): string {
    const folder = `https://www.sec.gov/Archives/edgar/data/${Number(cik)}/${accessionNumber.replace(/-/g, "")}`;
    return primaryDocument ? `${folder}/${primaryDocument}` : `${folder}/${accessionNumber}-index.htm`;
}

function secHeaders(userAgent: string, accept: string): Record<string, string> {
    return { "user-agent": userAgent, accept };
}

// ---------------------------------------------------------------------------------------------------------------------
// Latest filings (Atom)
// ---------------------------------------------------------------------------------------------------------------------

export interface SecCurrentFilingsOptions {
    userAgent: string;
    form: string;
    /** 10–100 entries; EDGAR's maximum is 100. */
    count?: number;
}

export function secCurrentFilingsUrl(form: string, count = 100): string {
    return `${SEC_CURRENT_FILINGS_URL}?action=getcurrent&type=${encodeURIComponent(form)}&output=atom&count=${count}`;
}

export function createSecCurrentFilingsConnector(options: SecCurrentFilingsOptions): SourceConnector {
    const userAgent = assertDeclaredUserAgent(options.userAgent);
    if (!SEC_FORM.test(options.form)) throw new Error(`not an EDGAR form type: ${JSON.stringify(options.form)}`);
    const url = secCurrentFilingsUrl(options.form, options.count);
    return defineConnector({
        kind: "sec-edgar",
        channel: "regulatory",
        id: `sec-edgar current ${options.form}`,
        async fetchRaw(ctx: FetchContext) {
            const response = await ctx.http.request({
                url,
                headers: secHeaders(userAgent, "application/atom+xml, application/xml;q=0.9"),
                signal: ctx.signal,
            });
            return [toRawPayload(response)];
        },
        parse: parseSecCurrentFeed,
    });
}

// "8-K - Apple Inc. (0000320193) (Filer)": form, company, CIK, role (Filer, Subject, Reporting, Filed by).
const FEED_TITLE = /^(.+?) - (.+) \((\d{10})\) \(([^()]+)\)$/;
const FEED_ID = /accession-number=(\d{10}-\d{2}-\d{6})$/;

const feedEntrySchema = z.object({
    id: z.string({ error: "missing" }).check(z.regex(FEED_ID, { error: "must end in accession-number=##########-##-######" })),
    title: z.string({ error: "missing" }).check(z.regex(FEED_TITLE, { error: 'must read "FORM - COMPANY (##########) (Role)"' })),
    link: z.string({ error: "missing" }),
    date: z.string({ error: "missing (no updated)" }),
    body: z.optional(z.string()),
});

/**
 * The latest-filings Atom feed → one item per entry, keyed by accession number. A filing with several filers appears once
 * per CIK; the items share the accession number and differ in `cik`, which is what matching needs.
 */
export function parseSecCurrentFeed(raw: RawPayload): ParseResult {
    const feed = readFeed(raw);
    if (!feed.ok) return { items: [], rejected: [{ reason: feed.reason }] };
    if (feed.path[0] !== "feed") return { items: [], rejected: [{ reason: `payload: expected an Atom feed, got ${feed.path[0]}` }] };
    return parseEntries(feed.entries, {
        path: feed.path,
        locate: feed.locate,
        schema: feedEntrySchema,
        ref: (entry) => {
            const id = (entry as { id?: unknown }).id;
            return typeof id === "string" ? (FEED_ID.exec(id)?.[1] ?? clip(id, 256)) : undefined;
        },
        map: (entry) => {
            const publishedAt = isoFromFeedDate(entry.date);
            if (!publishedAt) return reject("updated", `${JSON.stringify(clip(entry.date, 80))} is not an ISO 8601 date-time`);
            const [, form, company, cik, role] = FEED_TITLE.exec(entry.title)!;
            const summary = entry.body ? htmlToText(entry.body) : "";
            return compact({
                channel: "regulatory",
                source: "sec-edgar",
                sourceItemId: FEED_ID.exec(entry.id)![1]!,
                url: new URL(entry.link, "https://www.sec.gov/").toString(),
                publishedAt,
                title: clip(entry.title, 1000),
                // The role says how the company relates to the filing: Filer, Subject (e.g. of a 13D), Reporting, Filed by.
                text: clip([`${company} (${role}): ${form}`, summary].filter((part) => part !== "").join("\n"), 20_000),
                cik,
            });
        },
    });
}

// ---------------------------------------------------------------------------------------------------------------------
// Company submissions (JSON)
// ---------------------------------------------------------------------------------------------------------------------

export interface SecSubmissionsOptions {
    userAgent: string;
    cik: string;
    /** Only these forms become items (all when absent or empty). An amendment ("8-K/A") counts as its form. */
    forms?: readonly string[];
    /** The newest N matching filings (the recent list holds up to 1000). Default 20. */
    maxFilings?: number;
}

export function secSubmissionsUrl(cik: string): string {
    return `${SEC_SUBMISSIONS_URL}/CIK${cik}.json`;
}

export function createSecSubmissionsConnector(options: SecSubmissionsOptions): SourceConnector {
    const userAgent = assertDeclaredUserAgent(options.userAgent);
    const cik = normalizeCik(options.cik);
    if (cik === undefined) throw new Error(`not a CIK (1–10 digits): ${JSON.stringify(options.cik)}`);
    const url = secSubmissionsUrl(cik);
    const parseOptions = { forms: options.forms, maxFilings: options.maxFilings };
    return defineConnector({
        kind: "sec-edgar",
        channel: "regulatory",
        id: `sec-edgar submissions CIK${cik}`,
        async fetchRaw(ctx: FetchContext) {
            return [toRawPayload(await ctx.http.request({ url, headers: secHeaders(userAgent, "application/json"), signal: ctx.signal }))];
        },
        parse: (raw) => parseSecSubmissions(raw, parseOptions),
    });
}

const parallel = z.array(z.unknown());

const submissionsSchema = z.object({
    cik: z.union([z.string().check(z.regex(/^\d{1,10}$/)), z.number().check(z.int(), z.positive())]),
    name: z.string().check(z.minLength(1)),
    tickers: z.optional(z.array(z.string())),
    filings: z.object({
        recent: z.object({
            accessionNumber: parallel,
            filingDate: parallel,
            form: parallel,
            primaryDocument: parallel,
            acceptanceDateTime: parallel,
            items: z.optional(parallel),
            primaryDocDescription: z.optional(parallel),
        }),
    }),
});

const filingSchema = z.object({
    accessionNumber: z.string({ error: "missing" }).check(z.regex(ACCESSION, { error: "must be ##########-##-######" })),
    filingDate: z.string({ error: "missing" }).check(z.regex(/^\d{4}-\d{2}-\d{2}$/, { error: "must be YYYY-MM-DD" })),
    form: z.string({ error: "missing" }).check(z.minLength(1)),
    primaryDocument: z.string({ error: "missing" }),
    acceptanceDateTime: z.string({ error: "missing" }),
    items: z.optional(z.string()),
    primaryDocDescription: z.optional(z.string()),
});

/** Form 8-K items (SEC Form 8-K General Instructions), so that the text says what a filing reports. */
export const FORM_8K_ITEMS: Readonly<Record<string, string>> = {
    "1.01": "Entry into a Material Definitive Agreement",
    "1.02": "Termination of a Material Definitive Agreement",
    "1.03": "Bankruptcy or Receivership",
    "1.04": "Mine Safety - Reporting of Shutdowns and Patterns of Violations",
    "1.05": "Material Cybersecurity Incidents",
    "2.01": "Completion of Acquisition or Disposition of Assets",
    "2.02": "Results of Operations and Financial Condition",
    "2.03": "Creation of a Direct Financial Obligation or an Obligation under an Off-Balance Sheet Arrangement of a Registrant",
    "2.04": "Triggering Events That Accelerate or Increase a Direct Financial Obligation or an Obligation under an Off-Balance Sheet Arrangement",
    "2.05": "Costs Associated with Exit or Disposal Activities",
    "2.06": "Material Impairments",
    "3.01": "Notice of Delisting or Failure to Satisfy a Continued Listing Rule or Standard; Transfer of Listing",
    "3.02": "Unregistered Sales of Equity Securities",
    "3.03": "Material Modification to Rights of Security Holders",
    "4.01": "Changes in Registrant's Certifying Accountant",
    "4.02": "Non-Reliance on Previously Issued Financial Statements or a Related Audit Report or Completed Interim Review",
    "5.01": "Changes in Control of Registrant",
    "5.02": "Departure of Directors or Certain Officers; Election of Directors; Appointment of Certain Officers; Compensatory Arrangements of Certain Officers",
    "5.03": "Amendments to Articles of Incorporation or Bylaws; Change in Fiscal Year",
    "5.04": "Temporary Suspension of Trading Under Registrant's Employee Benefit Plans",
    "5.05": "Amendments to the Registrant's Code of Ethics, or Waiver of a Provision of the Code of Ethics",
    "5.06": "Change in Shell Company Status",
    "5.07": "Submission of Matters to a Vote of Security Holders",
    "5.08": "Shareholder Director Nominations",
    "7.01": "Regulation FD Disclosure",
    "8.01": "Other Events",
    "9.01": "Financial Statements and Exhibits",
};

function describeItems(items: string | undefined): string | undefined {
    const codes = (items ?? "")
        .split(",")
        .map((code) => code.trim())
        .filter((code) => code !== "");
    if (codes.length === 0) return undefined;
    return codes.map((code) => (FORM_8K_ITEMS[code] ? `Item ${code}: ${FORM_8K_ITEMS[code]}` : `Item ${code}`)).join("; ");
}

function formMatches(form: unknown, forms: ReadonlySet<string> | undefined): boolean {
    if (forms === undefined) return true;
    return typeof form === "string" && (forms.has(form) || forms.has(form.replace(/\/A$/, "")));
}

/**
 * The submissions JSON (filings.recent holds parallel arrays, newest first) → one item per recent filing of the wanted
 * forms, linked to its primary document, with the company's tickers as symbols.
 */
export function parseSecSubmissions(raw: RawPayload, options: { forms?: readonly string[]; maxFilings?: number } = {}): ParseResult {
    const json = parseJsonPayload(raw);
    if (!json.ok) return { items: [], rejected: [json.rejection] };
    const envelope = parseEnvelope(submissionsSchema, json.value);
    if (!envelope.ok) return { items: [], rejected: [envelope.rejection] };
    const company = envelope.value;
    const cik = normalizeCik(company.cik);
    if (cik === undefined) return { items: [], rejected: [{ reason: `payload: cik: ${JSON.stringify(company.cik)} is not a CIK` }] };
    const recent = company.filings.recent;
    const forms = options.forms && options.forms.length > 0 ? new Set(options.forms) : undefined;
    const maxFilings = options.maxFilings ?? 20;
    const symbols = [...new Set((company.tickers ?? []).map((ticker) => ticker.trim().toUpperCase()))]
        .filter((ticker) => ticker !== "" && ticker.length <= 20)
        .slice(0, 50);

    // The accession numbers decide how many filings there are; a shorter sibling array leaves fields missing, which the
    // entry schema reports by name.
    const indices = recent.accessionNumber.map((_, index) => index).filter((index) => formMatches(recent.form[index], forms));
    const entries = indices.slice(0, maxFilings).map((index) => ({
        accessionNumber: recent.accessionNumber[index],
        filingDate: recent.filingDate[index],
        form: recent.form[index],
        primaryDocument: recent.primaryDocument[index],
        acceptanceDateTime: recent.acceptanceDateTime[index],
        items: recent.items?.[index],
        primaryDocDescription: recent.primaryDocDescription?.[index],
    }));
    return parseEntries(entries, {
        path: ["filings", "recent"],
        // Parallel arrays: field f of filing i is filings.recent.f[i].
        locate: (index, fieldPath) => ["filings", "recent", ...fieldPath, indices[index]!],
        schema: filingSchema,
        ref: (entry) => {
            const accession = (entry as { accessionNumber?: unknown }).accessionNumber;
            return typeof accession === "string" ? accession : undefined;
        },
        map: (filing) => {
            // acceptanceDateTime is the moment EDGAR accepted the filing; filingDate alone would lose the time of day.
            const publishedAt = isoFromIso8601(filing.acceptanceDateTime) ?? isoFromIso8601(filing.filingDate);
            if (!publishedAt)
                return reject("acceptanceDateTime", `${JSON.stringify(filing.acceptanceDateTime)} is not an ISO 8601 date-time`);
            const items = filing.form.startsWith("8-K") ? describeItems(filing.items) : undefined;
            const description = filing.primaryDocDescription?.trim();
            const text = [
                // "by" would be wrong for forms others file about the company (SC 13G, Form 4 of an insider).
                `${company.name}: ${filing.form} filed ${filing.filingDate}`,
                description && description !== filing.form ? description : undefined,
                items,
            ]
                .filter((part) => part !== undefined && part !== "")
                .join("\n");
            return compact({
                channel: "regulatory",
                source: "sec-edgar",
                sourceItemId: filing.accessionNumber,
                url: secFilingUrl(cik, filing.accessionNumber, filing.primaryDocument.trim() || undefined),
                publishedAt,
                title: clip(`${filing.form} - ${company.name} (${cik})`, 1000),
                text: clip(text, 20_000),
                symbols: symbols.length > 0 ? symbols : undefined,
                cik,
            });
        },
    });
}
