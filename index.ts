/**
 * The component package's entry, for other Pulumi languages (`pulumi package add`). The language
 * host loads package.json `main` (this file, compiled) and serves the components it exports; the
 * SDK's schema inference starts from this source file (it finds `index.ts` when neither `exports`
 * nor `main` has a `.ts` file beside it). TypeScript programs use the full API of
 * `components/index.ts` instead (package.json `exports`).
 */
export { DatabaseHost, DatabaseSecurityGroup, ExistingHost } from "./components/provider";
