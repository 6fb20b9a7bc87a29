import { createBafinConnector } from "./bafin";
import type { ChannelSources } from "./config";
import type { SourceConnector } from "./connector";
import { createFinmaConnector } from "./finma";
import { createSecCurrentFilingsConnector, createSecSubmissionsConnector } from "./sec-edgar";

/** The regulatory channel's connectors: SEC EDGAR (current filings per form, submissions per CIK), BaFin, FINMA. */
export const regulatorySources: ChannelSources = {
    channel: "regulatory",
    build(config) {
        const connectors: SourceConnector[] = [];
        const { secEdgar, bafin, finma } = config.regulatory;
        if (secEdgar) {
            for (const form of secEdgar.forms) connectors.push(createSecCurrentFilingsConnector({ userAgent: secEdgar.userAgent, form }));
            for (const cik of secEdgar.ciks) {
                connectors.push(
                    createSecSubmissionsConnector({
                        userAgent: secEdgar.userAgent,
                        cik,
                        forms: secEdgar.forms,
                        maxFilings: secEdgar.maxFilingsPerCik,
                    }),
                );
            }
        }
        if (bafin) for (const url of bafin.feeds) connectors.push(createBafinConnector(url));
        if (finma) for (const url of finma.feeds) connectors.push(createFinmaConnector(url));
        return connectors;
    },
};
