/**
 * Where the tests find the upstream Istio charts and CRDs: `$ISTIO_MESH_SHARED`, else `../shared` beside the
 * repository. Loaded first by mocha (.mocharc.yml `require`), so a missing folder stops the run with one line that
 * names the setting, before any spec fails on it in a less obvious way.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

export const SHARED = process.env.ISTIO_MESH_SHARED || path.resolve(__dirname, "..", "..", "shared");

/** The charts of one Istio release: `<shared>/istio-charts/<version>`. */
export const chartsOf = (version: string) => path.join(SHARED, "istio-charts", version);

/** A stack's `istio.chartDir` written as `../shared/...` (the layout CI has), moved to wherever SHARED is. */
export function sharedPath(dir: string): string {
    if (!dir.startsWith("../shared/") || path.resolve(__dirname, "..", "..", "shared") === path.resolve(SHARED)) return dir;
    return path.join(SHARED, dir.slice("../shared/".length));
}

/** Raw stack config with its chart directories (`istio.chartDir`, `istio.revisions.*.chartDir`) moved by `sharedPath`. */
export function withSharedCharts(raw: Record<string, unknown>): Record<string, unknown> {
    const istio = raw.istio as Record<string, unknown> | undefined;
    if (!istio || typeof istio !== "object") return raw;
    const move = (o: Record<string, unknown>) => (typeof o.chartDir === "string" ? { ...o, chartDir: sharedPath(o.chartDir) } : o);
    const revisions = istio.revisions as Record<string, Record<string, unknown>> | undefined;
    const moved = move(istio);
    if (revisions && typeof revisions === "object") {
        moved.revisions = Object.fromEntries(Object.entries(revisions).map(([k, r]) => [k, r && typeof r === "object" ? move(r) : r]));
    }
    return { ...raw, istio: moved };
}

/** A project stack file as config:check should see it here: itself, or a copy whose `../shared/` paths name SHARED. */
export function stackFileHere(file: string): string {
    const text = fs.readFileSync(file, "utf8");
    if (sharedPath("../shared/") === "../shared/" || !text.includes("../shared/")) return file;
    const copy = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "stack-here-")), path.basename(file));
    fs.writeFileSync(copy, text.split("../shared/").join(`${SHARED}/`));
    return copy;
}

if (!fs.existsSync(path.join(SHARED, "istio-charts"))) {
    process.stderr.write(
        `test: the upstream charts and CRDs are not in ${SHARED}: set ISTIO_MESH_SHARED to the shared/ folder ` +
            "(default: ../shared beside the repository)\n",
    );
    process.exit(2);
}
