/**
 * Where the tests find the upstream Istio charts and CRDs: `$ISTIO_MESH_SHARED`, else `../shared` beside the
 * repository. Loaded first by mocha (.mocharc.yml `require`), so a missing folder stops the run with one line that
 * names the setting, before any spec fails on it in a less obvious way.
 */
import * as fs from "fs";
import * as path from "path";

export const SHARED = process.env.ISTIO_MESH_SHARED || path.resolve(__dirname, "..", "..", "shared");

/** The charts of one Istio release: `<shared>/istio-charts/<version>`. */
export const chartsOf = (version: string) => path.join(SHARED, "istio-charts", version);

/** A stack's `istio.chartDir` written as `../shared/...` (the layout CI has), moved to wherever SHARED is. */
export function sharedPath(dir: string): string {
    return dir.startsWith("../shared/") ? path.join(SHARED, dir.slice("../shared/".length)) : dir;
}

if (!fs.existsSync(path.join(SHARED, "istio-charts"))) {
    process.stderr.write(
        `test: the upstream charts and CRDs are not in ${SHARED}: set ISTIO_MESH_SHARED to the shared/ folder ` +
            "(default: ../shared beside the repository)\n",
    );
    process.exit(2);
}
