import type { Channel } from "../domain/signals";
import type { ChannelSources, SourceSecrets, SourcesConfig } from "./config";
import type { SourceConnector } from "./connector";
import { newsSources } from "./news-sources";
import { regulatorySources } from "./regulatory-sources";
import { socialSources } from "./social-sources";

/**
 * Every channel's sources in one place, for the Pulumi program (config/sources.ts) and tools. Lambda code imports
 * config.ts, run.ts and its channel's *-sources.ts instead: this module loads every connector.
 */

export * from "./config";
export * from "./run";
export { newsSources, regulatorySources, socialSources };

export const channelSources: Readonly<Record<Channel, ChannelSources>> = {
    social: socialSources,
    news: newsSources,
    regulatory: regulatorySources,
};

/** The connectors of one channel. Throws SourcesConfigError when a configured source lacks its secret. */
export function buildConnectors(channel: Channel, config: SourcesConfig, secrets: SourceSecrets = {}): SourceConnector[] {
    return channelSources[channel].build(config, secrets);
}
