/** Auth: the Cognito user directory with the groups of the route table. */
import type * as aws from "@pulumi/aws";
import type { StackConfig } from "../config/stackConfig";
import { UserDirectory } from "../components/UserDirectory";

export function buildAuth(config: StackConfig, provider: aws.Provider): UserDirectory {
    return new UserDirectory(
        "users",
        {
            appOrigins: config.corsOrigins,
            deletionProtection: config.tables.deletionProtection,
            // Threat protection needs the PLUS tier; worth it where real money is decided.
            threatProtection: config.environment === "prod",
        },
        { provider },
    );
}
