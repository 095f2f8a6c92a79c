import { chartsOf } from "../shared";
import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { parseMeshConfig } from "../../config";
import { checkChartDirectory } from "../../config/environment";

const CHARTS = chartsOf("1.30.3");

describe("config: local chart directory", () => {
    it("accepts the upstream 1.30.3 charts", () =>
        assert.deepStrictEqual(checkChartDirectory(parseMeshConfig({ istio: { chartDir: CHARTS } }).istio, process.cwd()), []));

    it("names a chart directory of another version", () => {
        const istio = parseMeshConfig({ istio: { chartDir: CHARTS, version: "1.29.0" } }).istio;
        const [first] = checkChartDirectory(istio, process.cwd());
        assert.deepStrictEqual(first, {
            key: "istio-mesh:istio.chartDir",
            message: `${path.join(CHARTS, "base", "Chart.yaml")} is chart version 1.30.3, but istio.version is 1.29.0: point chartDir at the 1.29.0 charts or change istio.version`,
        });
    });

    it("names a directory without the charts", () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "charts-"));
        const problems = checkChartDirectory(parseMeshConfig({ istio: { chartDir: dir } }).istio, process.cwd());
        const all = "base, istiod, gateway, cni";
        assert.deepStrictEqual(
            problems.map((p) => p.message),
            [
                `${path.join(dir, "base", "Chart.yaml")} does not exist: the directory must hold Istio's charts as ${all}`,
                `${path.join(dir, "istiod", "Chart.yaml")} does not exist: the directory must hold Istio's charts as ${all}`,
                `${path.join(dir, "gateway", "Chart.yaml")} does not exist: the directory must hold Istio's charts as ${all}`,
                `${path.join(dir, "cni", "Chart.yaml")} does not exist: the directory must hold Istio's charts as ${all}`,
            ],
        );
    });

    it("does not ask for the cni chart when istio.cni is off", () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "charts-"));
        const problems = checkChartDirectory(parseMeshConfig({ istio: { chartDir: dir, cni: false } }).istio, process.cwd());
        assert.deepStrictEqual(
            problems.map((p) => path.basename(path.dirname(p.message.split(" ")[0]))),
            ["base", "istiod", "gateway"],
        );
    });

    it("checks nothing for repository sources", () => assert.deepStrictEqual(checkChartDirectory(parseMeshConfig({}).istio, "/nonexistent"), []));
});
