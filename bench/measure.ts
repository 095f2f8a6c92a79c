/**
 * Runs one measurement: the same child process several times, each a fresh process (start-up included),
 * and reports the median wall time, the median peak RSS and what the child said about itself.
 */
import { spawn } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import type { Command } from "./host";

/** One JSON line of `npm run bench`. */
export interface Measurement {
    name: string;
    size: number;
    /** Median wall time of the runs, milliseconds; null when the first run was stopped at the time limit. */
    wall_ms: number | null;
    /** Median peak resident set size of the measured process, MB. */
    peak_rss_mb: number | null;
    /** Resources registered (program), read (checker, policies), or null when unknown. */
    resources: number | null;
    runs: number;
    /** Every run's wall time, for the spread. */
    walls_ms: number[];
    /** Median CPU time (user + system) of the measured process. */
    cpu_ms: number | null;
    [extra: string]: unknown;
}

/** What one run of a child reported about itself (bench/exit-report.js), plus the wall time seen from outside. */
export interface Sample {
    wall_ms: number;
    /** The run was stopped after `wall_ms` (the series' time limit): no figures but that lower bound. */
    timedOut?: boolean;
    peak_rss_mb: number | null;
    cpu_ms: number | null;
    report: Record<string, unknown>;
}

export function median(values: number[]): number {
    const s = [...values].sort((a, b) => a - b);
    const mid = Math.floor(s.length / 2);
    return s.length % 2 ? s[mid] : Math.round((s[mid - 1] + s[mid]) / 2);
}

const GNU_TIME = "/usr/bin/time";

/**
 * Runs `cmd` once. A node child preloads bench/exit-report.js and reports its own peak RSS; any other program
 * runs under GNU time (`%M`, the child's maximum RSS) when it is installed.
 */
export async function runOnce(cmd: Command, opts: { okCodes?: number[]; external?: boolean; timeoutMs?: number } = {}): Promise<Sample> {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "bench-"));
    const out = path.join(dir, "report.json");
    const timeOut = path.join(dir, "time.txt");
    const useTime = opts.external === true && fs.existsSync(GNU_TIME);
    const [command, args] = useTime ? [GNU_TIME, ["-f", "%M %U %S", "-o", timeOut, cmd.command, ...cmd.args]] : [cmd.command, cmd.args];
    const start = process.hrtime.bigint();
    let timedOut = false;
    const { code, stderr } = await new Promise<{ code: number | null; stderr: string }>((resolve, reject) => {
        // Its own process group, so that a run over the time limit is stopped with everything it started.
        const child = spawn(command, args, { cwd: cmd.cwd, env: { ...cmd.env, BENCH_OUT: out }, stdio: ["ignore", "ignore", "pipe"], detached: true });
        const timer = opts.timeoutMs
            ? setTimeout(() => {
                  timedOut = true;
                  process.kill(-child.pid!, "SIGKILL");
              }, opts.timeoutMs)
            : undefined;
        let err = "";
        child.stderr!.on("data", (d) => {
            err = (err + d).slice(-4000);
        });
        child.on("error", reject);
        child.on("close", (c) => {
            clearTimeout(timer);
            resolve({ code: c, stderr: err });
        });
    });
    const wall = Number(process.hrtime.bigint() - start) / 1e6;
    if (timedOut) {
        fs.rmSync(dir, { recursive: true, force: true });
        return { wall_ms: Math.round(wall), timedOut, peak_rss_mb: null, cpu_ms: null, report: {} };
    }
    try {
        if (code === null || !(opts.okCodes ?? [0]).includes(code)) {
            throw new Error(`${path.basename(cmd.command)} ${cmd.args.slice(-3).join(" ")} exited with ${code}:\n${stderr.trim()}`);
        }
        const report = fs.existsSync(out) ? JSON.parse(fs.readFileSync(out, "utf8")) : {};
        let peak: number | null = typeof report.peak_rss_mb === "number" ? report.peak_rss_mb : null;
        let cpu: number | null = typeof report.cpu_ms === "number" ? report.cpu_ms : null;
        if (useTime && fs.existsSync(timeOut)) {
            const [kb, user, sys] = fs.readFileSync(timeOut, "utf8").trim().split(/\s+/).slice(-3).map(Number);
            peak = Math.round(kb / 102.4) / 10;
            cpu = Math.round((user + sys) * 1000);
        }
        return { wall_ms: Math.round(wall), peak_rss_mb: peak, cpu_ms: cpu, report };
    } finally {
        fs.rmSync(dir, { recursive: true, force: true });
    }
}

export interface Series {
    name: string;
    size: number;
    runs: number;
    command: Command;
    okCodes?: number[];
    external?: boolean;
    /** The wall time to report, from a run; default: the whole process as seen from outside. */
    wall?: (s: Sample) => number;
    /** How many resources a run handled, from its report. */
    resources?: (s: Sample) => number | null;
    /** Extra fields of the JSON line, from the median run's report. */
    extra?: (s: Sample) => Record<string, unknown>;
}

/** A run longer than this is stopped (BENCH_TIMEOUT_MS); the measurement then says so. */
export const RUN_TIMEOUT_MS = Number(process.env.BENCH_TIMEOUT_MS ?? 300_000);
/** A series stops repeating once its runs took this long together (BENCH_SERIES_MS); at least one run. */
export const SERIES_BUDGET_MS = Number(process.env.BENCH_SERIES_MS ?? 150_000);

/** Runs a series and folds it into one measurement (medians). */
export async function measure(series: Series): Promise<Measurement> {
    const samples: Sample[] = [];
    let spent = 0;
    for (let i = 0; i < series.runs && (i === 0 || spent < SERIES_BUDGET_MS); i++) {
        let sample: Sample;
        try {
            sample = await runOnce(series.command, { okCodes: series.okCodes, external: series.external, timeoutMs: RUN_TIMEOUT_MS });
        } catch (e) {
            // A failed run is reported on its line (the summary counts it as not measured); the bench goes on.
            const error = (e as Error).message.split("\n").slice(0, 6).join("\n");
            return { name: series.name, size: series.size, wall_ms: null, peak_rss_mb: null, resources: null, runs: 0, walls_ms: [], cpu_ms: null, error };
        }
        if (sample.timedOut) {
            return {
                name: series.name,
                size: series.size,
                wall_ms: null,
                peak_rss_mb: null,
                resources: null,
                runs: 0,
                walls_ms: [],
                cpu_ms: null,
                timed_out_after_ms: sample.wall_ms,
            };
        }
        samples.push(sample);
        spent += sample.wall_ms;
    }
    const wallOf = series.wall ?? ((s: Sample) => s.wall_ms);
    const walls = samples.map(wallOf);
    const mid = median(walls);
    // The run closest to the median supplies the per-run details.
    const typical = samples.reduce((best, s) => (Math.abs(wallOf(s) - mid) < Math.abs(wallOf(best) - mid) ? s : best));
    const rss = samples.map((s) => s.peak_rss_mb).filter((v): v is number => v !== null);
    const cpu = samples.map((s) => s.cpu_ms).filter((v): v is number => v !== null);
    return {
        name: series.name,
        size: series.size,
        wall_ms: mid,
        peak_rss_mb: rss.length ? Math.round(median(rss.map((v) => v * 10))) / 10 : null,
        resources: series.resources ? series.resources(typical) : null,
        runs: samples.length,
        walls_ms: walls,
        cpu_ms: cpu.length ? median(cpu) : null,
        ...(series.extra ? series.extra(typical) : {}),
    };
}
