import * as assert from "assert";
import { parseDuration } from "../../policy-pack/lib/duration";
import { run } from "./harness";
import { destinationRule, sidecar, virtualService } from "./objects";

describe("duration-minimum", () => {
    it("reports timeout: 0s with the way out", () => {
        assert.deepStrictEqual(run("duration-minimum", [virtualService("shop", "r", { http: [{ timeout: "0s" }] })]), [
            "VirtualService shop/r: spec.http[0].timeout is 0s, below the 1ms minimum; the API server rejects the object, so the whole change fails to apply. To disable a timeout, omit the field instead.",
        ]);
    });
    it("reports a sub-millisecond duration deep in a DestinationRule subset", () => {
        const dr = destinationRule("shop", "r", {
            host: "r",
            subsets: [{ name: "v1", trafficPolicy: { portLevelSettings: [{ outlierDetection: { interval: "500us" } }] } }],
        });
        assert.deepStrictEqual(run("duration-minimum", [dr]), [
            "DestinationRule shop/r: spec.subsets[0].trafficPolicy.portLevelSettings[0].outlierDetection.interval is 500us, below the 1ms minimum; the API server rejects the object, so the whole change fails to apply.",
        ]);
    });
    it("reports a duration without unit", () => {
        assert.deepStrictEqual(run("duration-minimum", [sidecar("shop", "s", { inboundConnectionPool: { tcp: { connectTimeout: "5" } } })]), [
            'Sidecar shop/s: spec.inboundConnectionPool.tcp.connectTimeout is "5", not a duration such as "5s" or "250ms"; the API server rejects the object.',
        ]);
    });
    it("accepts exactly 1ms", () => {
        assert.deepStrictEqual(run("duration-minimum", [virtualService("shop", "r", { http: [{ timeout: "1ms", retries: { perTryTimeout: "0.5s" } }] })]), []);
    });

    describe("parseDuration", () => {
        const cases: [string, number | undefined][] = [
            ["1h30m", 5400e9],
            ["1.5s", 1.5e9],
            ["250ms", 250e6],
            ["10us", 10e3],
            ["10µs", 10e3],
            ["0", 0],
            ["-1s", -1e9],
            ["5", undefined],
            ["1d", undefined],
            ["", undefined],
            ["s", undefined],
        ];
        for (const [text, want] of cases) it(`parses ${JSON.stringify(text)}`, () => assert.strictEqual(parseDuration(text), want));
    });
});
