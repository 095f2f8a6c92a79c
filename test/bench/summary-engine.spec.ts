import * as assert from "assert";
import type { ProgramPair } from "../../bench/program";
import type { EngineRun } from "../../bench/real-engine";
import { summarise } from "../../bench/real-engine";
import { engineChecks } from "../../bench/summary-engine";

const roles = (v: number | null) => ({ cli: v, provider: v, program: v, policy: v });

function run(namespaces: number | null, operation: EngineRun["operation"], wall_ms: number, resources: number, extra: Partial<EngineRun> = {}): EngineRun {
    return {
        name: "engine-x",
        stack: "s",
        namespaces,
        operation,
        checkpoints: "skipped",
        runs: 1,
        walls_ms: [wall_ms],
        wall_ms,
        resources,
        peak_rss_mb: roles(100),
        cpu_s: roles(1),
        ...extra,
    };
}

describe("bench: the real engine's summary", () => {
    it("meets linear growth when 9.4x the resources take at most 1.2 times that", () =>
        assert.deepStrictEqual(engineChecks([run(100, "preview", 8000, 1073), run(1000, "preview", 70000, 10073)], []).checks, [
            {
                what: "real engine, preview: linear growth 100 -> 1000 namespaces",
                status: "met",
                detail: "8.75x the time for 9.39x the resources (at most 11.27x)",
            },
        ]));
    it("does not meet it when the time grows faster", () =>
        assert.strictEqual(engineChecks([run(100, "up", 20000, 1073), run(1000, "up", 400000, 10073)], []).checks[0].status, "NOT MET"));
    it("leaves the checkpointed runs out of the growth checks", () =>
        assert.deepStrictEqual(engineChecks([run(100, "up", 20000, 1073), run(1000, "up", 4000000, 10073, { checkpoints: "every step" })], []).checks, []));
    it("states what the checkpoints cost, operation by operation", () =>
        assert.match(
            engineChecks([run(100, "up", 20000, 1073), run(100, "up", 240000, 1073, { checkpoints: "every step" })], []).text,
            /100 namespaces, up: 240.00 s with a checkpoint after every step, 20.00 s skipped \(12.00x\)/,
        ));
    it("puts the program under the mock engine beside the real preview", () => {
        const pair = { mode: "precompiled", namespaces: 100, program: { wall_ms: 5000 } } as unknown as ProgramPair;
        assert.match(
            engineChecks([run(100, "preview", 8000, 1073)], [pair]).text,
            /100 namespaces: program under the mock engine 5.00 s; real preview 8.00 s, up -, up with no changes -; the engine, provider and pack add 3.00 s to the preview/,
        );
    });
    it("compares the shapes' previews", () =>
        assert.match(
            engineChecks([run(1000, "preview", 68000, 9002, { shape: "objects" }), run(1000, "preview", 73000, 10002, { shape: "configgroup" })], []).text,
            /1000 namespaces, preview: one registration per object 68.00 s, one ConfigGroup per namespace 73.00 s \(1.07x\)/,
        ));
    it("takes the median of the runs", () => {
        const sample = (wall_ms: number) => ({ wall_ms, resources: 10, peak_rss_mb: roles(wall_ms) as never, cpu_s: roles(1) as never });
        const r = summarise({ name: "engine-up", stack: "local", namespaces: null, operation: "up", checkpoints: "skipped" }, [
            sample(3),
            sample(1),
            sample(2),
        ]);
        assert.deepStrictEqual([r.wall_ms, r.walls_ms, r.peak_rss_mb.cli, r.runs], [2, [3, 1, 2], 2, 3]);
    });
});
