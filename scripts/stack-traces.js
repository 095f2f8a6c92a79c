// How the precompiled program's stack traces are formatted (loaded by pulumi-main.js before the program).
//
// Pulumi's runner installs source-map-support, which maps every frame of every stack trace; the SDK captures one
// trace per resource (its source position) and one per internal promise, so that mapping was most of an
// evaluation's time. Only the program's own frames need mapping back to TypeScript (for its errors and its
// resources' source positions): those are mapped with the source maps tsc wrote, the SDK's and Node's frames are
// printed as V8 gives them.
"use strict";
const fs = require("fs");
const path = require("path");
const { SourceMap } = require("module");
const { fileURLToPath } = require("url");

/**
 * Installs Error.prepareStackTrace for a program compiled into `compiledDir`.
 * `promiseTraces`: keep the traces the SDK captures for its internal promises (debuggablePromise). The SDK prints
 * them only in the leak report PULUMI_DEBUG_PROMISE_LEAKS turns on, and formatting them cost a third of an
 * evaluation, so otherwise they are left as the error's first line.
 */
function installStackTraces({ compiledDir, promiseTraces }) {
    const compiled = path.resolve(compiledDir) + path.sep;
    const maps = new Map();

    /** The source map tsc wrote next to a compiled file (read once), or null. */
    function sourceMap(file) {
        let map = maps.get(file);
        if (map === undefined) {
            try {
                map = new SourceMap(JSON.parse(fs.readFileSync(`${file}.map`, "utf8")));
            } catch {
                map = null;
            }
            maps.set(file, map);
        }
        return map;
    }

    /** `name (file.ts:line:column)` for a frame of the compiled program, or undefined for any other frame. */
    function programFrame(frame) {
        const file = frame.getFileName();
        if (!file || !file.startsWith(compiled)) return undefined;
        const entry = sourceMap(file)?.findEntry(frame.getLineNumber() - 1, frame.getColumnNumber() - 1);
        if (!entry || !entry.originalSource) return undefined;
        const source = entry.originalSource.startsWith("file:") ? fileURLToPath(entry.originalSource) : path.resolve(path.dirname(file), entry.originalSource);
        const fn = frame.getFunctionName() ?? "<anonymous>";
        return `${frame.isConstructor() ? `new ${fn}` : fn} (${source}:${entry.originalLine + 1}:${entry.originalColumn + 1})`;
    }

    // One flat string per trace: joined, not concatenated frame by frame.
    Error.prepareStackTrace = (error, frames) => {
        const header = Error.prototype.toString.call(error);
        if (!promiseTraces && frames.length > 0 && frames[0].getFunctionName() === "debuggablePromise") return header;
        return [header, ...frames.map((frame) => programFrame(frame) ?? String(frame))].join("\n    at ");
    };
}

module.exports = { installStackTraces };
