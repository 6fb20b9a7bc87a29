/**
 * zod for the Lambda code: the tree-shakable `zod/mini` API, ~48 KB smaller per bundle than classic zod, which keeps
 * every method of every schema type. Same core, so the same issues and messages, and classic schemas (the Pulumi
 * program's config) can wrap these. Import this module, not `zod/mini`: zod/mini loads no locale, so without the line
 * below every issue would read "Invalid input" (classic zod registers English by itself).
 */
import { config } from "zod/mini";
import en from "zod/v4/locales/en.js";

config(en());

export * from "zod/mini";
