import * as assert from "assert";
import { SchemaValidator } from "../../../policy-pack/schema";
import { celLib, compileRule, dataKey, inputKey, rulesOf, runRule, selfUse, toCel } from "../../../policy-pack/schema/cel";
import { hostname, isIP, isURL, parseURL, port, queryParams } from "../../../policy-pack/schema/k8s-cel-lib";

const evalRule = (rule: string, self: unknown) => runRule(compileRule(rule), toCel(self, undefined));

describe("CEL rules of the pinned CRDs", () => {
    const v = new SchemaValidator();
    const located = v.crdKinds().flatMap((k) => rulesOf(k.schema).map((r) => ({ ...r, source: `${k.source} ${k.apiVersion}` })));

    it("finds the rules of every served version (Istio carries about 360)", () => {
        assert.ok(located.length > 360, `${located.length} rules`);
        assert.ok(located.filter((r) => r.source.includes("istio.io")).length > 350);
    });

    it("compiles every rule, with every function it calls bound", () => {
        const failures = located
            .filter((r) => compileRule(r.rule).status === "error")
            .map((r) => `${r.source} ${r.location}: ${JSON.stringify(compileRule(r.rule))}`);
        assert.deepStrictEqual(failures, []);
    });

    it("skips only the transition rules (GatewayClass controllerName is immutable)", () => {
        const skipped = located.filter((r) => compileRule(r.rule).status === "skipped").map((r) => `${r.source}: ${r.rule}`);
        assert.deepStrictEqual(skipped, [
            "gatewayclasses.gateway.networking.k8s.io gateway.networking.k8s.io/v1: self == oldSelf",
            "gatewayclasses.gateway.networking.k8s.io gateway.networking.k8s.io/v1beta1: self == oldSelf",
        ]);
    });

    it("knows the Gateway API v1.5.1 standard kinds", () => {
        const kinds = new Set(
            v
                .crdKinds()
                .filter((k) => k.apiVersion.startsWith("gateway.networking.k8s.io/"))
                .map((k) => `${k.apiVersion} ${k.kind}`),
        );
        for (const k of [
            "v1 Gateway",
            "v1 GatewayClass",
            "v1 HTTPRoute",
            "v1 GRPCRoute",
            "v1beta1 ReferenceGrant",
            "v1 ListenerSet",
            "v1 TLSRoute",
            "v1 BackendTLSPolicy",
        ]) {
            assert.ok(kinds.has(`gateway.networking.k8s.io/${k}`), k);
        }
    });

    it("reports a rule that calls a function the environment lacks as a compile error", () => {
        assert.deepStrictEqual(compileRule("self.isSorted()"), { status: "error", error: "undeclared reference to function isSorted" });
    });

    it("skips transition rules (oldSelf), which need the stored object", () => {
        assert.strictEqual(compileRule("self == oldSelf").status, "skipped");
        assert.deepStrictEqual(runRule(compileRule("self == oldSelf"), "x"), { ok: true });
    });

    it("compiles each distinct rule once", () => {
        assert.strictEqual(compileRule("duration(self) >= duration('1ms')"), compileRule("duration(self) >= duration('1ms')"));
    });
});

describe("CEL durations as Istio's CRDs compare them", () => {
    const rule = "duration(self) >= duration('1ms')";
    for (const ok of ["1ms", "0.001s", "1s", "1.5s", "2m", "1h30m", "1500us"]) {
        it(`accepts ${ok}`, () => assert.deepStrictEqual(evalRule(rule, ok), { ok: true }));
    }
    for (const bad of ["0s", "0", "999us", "0.0005s"]) {
        it(`rejects ${bad}`, () => assert.strictEqual(evalRule(rule, bad).ok, false));
    }
    it("reports an unparsable duration as an evaluation error", () => {
        const r = evalRule(rule, "ten seconds");
        assert.strictEqual(r.ok, false);
        assert.ok(!r.ok && r.error, "an error message");
    });
});

describe("CEL standard functions the rules use", () => {
    it("matches with RE2", () => {
        const rule = `self.all(key, size(key) < 63 && key.matches("^[a-zA-Z0-9](?:[-a-zA-Z0-9]*[a-zA-Z0-9])?$"))`;
        assert.deepStrictEqual(evalRule(rule, { app: "x", "tier-1": "y" }), { ok: true });
        assert.strictEqual(evalRule(rule, { "-app": "x" }).ok, false);
    });

    it("converts map keys with int()", () => {
        const rule = "self.all(key, 0 < int(key) && int(key) <= 65535)";
        assert.deepStrictEqual(evalRule(rule, { "8080": "http" }), { ok: true });
        assert.strictEqual(evalRule(rule, { "70000": "http" }).ok, false);
    });

    it("binds integers as CEL ints and compares them with int literals", () => {
        assert.deepStrictEqual(evalRule("0 < self && self <= 65535", 443), { ok: true });
        assert.strictEqual(evalRule("0 < self && self <= 65535", 0).ok, false);
    });

    it("evaluates exists_one over lists of objects", () => {
        const rule = "self.all(l1, self.exists_one(l2, l1.number == l2.number))";
        assert.deepStrictEqual(evalRule(rule, [{ number: 80 }, { number: 443 }]), { ok: true });
        assert.strictEqual(evalRule(rule, [{ number: 80 }, { number: 80 }]).ok, false);
    });

    it("has the strings extensions (substring, lowerAscii)", () => {
        assert.deepStrictEqual(evalRule(`self.substring(7, 8) == "/" && self.lowerAscii() == self`, "unix:///sock"), { ok: true });
    });
});

describe("Kubernetes CEL IP library: isIP", () => {
    for (const ok of ["10.0.0.1", "::1", "fd00::10", "2001:db8::1"]) {
        it(`accepts ${ok}`, () => assert.strictEqual(isIP(ok), true));
    }
    for (const bad of ["010.0.0.1", "fe80::1%eth0", "::ffff:1.2.3.4", "example.com", "1.2.3", ""]) {
        it(`rejects ${JSON.stringify(bad)}`, () => assert.strictEqual(isIP(bad), false));
    }
    it("runs in TLSRoute's hostname rule", () => {
        assert.deepStrictEqual(evalRule("self.all(h, !isIP(h))", ["app.example.com"]), { ok: true });
        assert.strictEqual(evalRule("self.all(h, !isIP(h))", ["10.0.0.1"]).ok, false);
    });
});

describe("Kubernetes CEL URL library", () => {
    it("url() accepts absolute URIs and absolute paths", () => {
        assert.ok(isURL("https://example.com:8443/a?b=c"));
        assert.ok(isURL("/absolute/path"));
    });

    it("url() rejects relative references and empty strings", () => {
        assert.strictEqual(isURL("example.com/path"), false);
        assert.strictEqual(isURL(""), false);
        assert.strictEqual(isURL("https://exa mple.com"), false);
    });

    it("url() rejects what Go's ParseRequestURI rejects: no fragment split, bad escapes, bad userinfo", () => {
        assert.strictEqual(isURL("#%blah$#@"), false);
        assert.strictEqual(isURL("http://#%blah$#@"), false);
        assert.strictEqual(isURL("http://a/b%zz"), false);
        assert.strictEqual(isURL("http:opaque"), false);
        assert.ok(isURL("oci://registry.example.com/wasm/plugin:1.0"));
    });

    it("getScheme, getHost, getHostname, getPort, getEscapedPath", () => {
        const u = parseURL("https://example.com:8443/a%20b?x=1");
        assert.deepStrictEqual([u.scheme, u.host, hostname(u), port(u), u.path], ["https", "example.com:8443", "example.com", "8443", "/a%20b"]);
    });

    it("getHostname and getPort of an IPv6 literal", () => {
        const u = parseURL("http://[::1]:80/");
        assert.deepStrictEqual([hostname(u), port(u)], ["::1", "80"]);
        assert.deepStrictEqual([hostname(parseURL("http://[::1]/")), port(parseURL("http://[::1]/"))], ["::1", ""]);
    });

    it("getQuery collects repeated parameters", () => {
        assert.deepStrictEqual(
            [...queryParams(parseURL("https://e.com/?a=1&a=2&b=x+y"))],
            [
                ["a", ["1", "2"]],
                ["b", ["x y"]],
            ],
        );
    });

    it('evaluates the CRD rule url(self).getScheme() in ["http", "https"]', () => {
        const rule = `url(self).getScheme() in ["http", "https"]`;
        assert.deepStrictEqual(evalRule(rule, "https://auth.example.com/jwks.json"), { ok: true });
        assert.strictEqual(evalRule(rule, "ftp://auth.example.com/jwks.json").ok, false);
    });

    it("evaluates the other URL methods and isURL in CEL", () => {
        const rule = `url(self).getHostname() == "e.com" && url(self).getPort() == "81" && url(self).getEscapedPath() == "/p" && url(self).getQuery()["q"] == ["1"] && url(self).getHost() == "e.com:81" && isURL(self) && !isURL("x")`;
        assert.deepStrictEqual(evalRule(rule, "http://e.com:81/p?q=1"), { ok: true });
    });

    it("fails a url() rule on a string that is not a URL", () => {
        const r = evalRule(`url(self).getScheme() == "https"`, "not a url");
        assert.strictEqual(r.ok, false);
        assert.ok(!r.ok && /URL parse error/.test(r.error ?? ""), JSON.stringify(r));
    });
});

describe("what of self a CEL rule reads (outcomes are reused by it)", () => {
    const reads = (rule: string) => selfUse(celLib().parse(rule).expr);

    it("lists the fields a rule only tests with has()", () => {
        assert.deepStrictEqual(reads("(has(self.a) ? 1 : 0) + (has(self.b) ? 1 : 0) <= 1"), {
            fields: [
                ["a", true],
                ["b", true],
            ],
        });
    });

    it("marks a field whose value the rule reads", () => {
        assert.deepStrictEqual(reads("has(self.a) ? self.a.size() > 0 : true"), { fields: [["a", false]] });
    });

    it("reads the whole value when self is used other than by field selection", () => {
        assert.strictEqual(reads("self.all(k, k != '')"), "whole");
    });

    it("reads the whole value when a comprehension names a variable self", () => {
        assert.strictEqual(reads("self.x.all(self, self > 0)"), "whole");
    });

    it("keys objects alike when only unread fields differ", () => {
        const r = reads("has(self.a) && self.b > 0");
        assert.strictEqual(inputKey(r, { a: "x", b: 1, z: 1 }), inputKey(r, { a: "y", b: 1, z: 2 }));
    });

    it("keys a null field apart from a present and an absent one (has() is false on null)", () => {
        const r = reads("has(self.a)");
        const keys = [inputKey(r, { a: null }), inputKey(r, { a: 1 }), inputKey(r, {})];
        assert.strictEqual(new Set(keys).size, 3);
    });

    it("gives no key for values outside JSON, which are then evaluated every time", () => {
        assert.deepStrictEqual(
            [dataKey(Number.NaN), dataKey(-0), dataKey({ a: undefined }), dataKey(new Date(0))],
            [undefined, undefined, undefined, undefined],
        );
    });

    it("reports a failing rule on every object that fails it, not only the first", () => {
        const v = new SchemaValidator();
        const pa = (name: string) => ({
            apiVersion: "security.istio.io/v1",
            kind: "PeerAuthentication",
            metadata: { name, namespace: "shop" },
            spec: { mtls: { mode: "STRICT" }, portLevelMtls: { 8080: { mode: "STRICT" } } },
        });
        const first = v.validate(pa("a")).map((f) => f.message);
        assert.ok(first.length > 0);
        assert.deepStrictEqual(
            v.validate(pa("b")).map((f) => f.message),
            first,
        );
    });
});
