import * as assert from "assert";
import {
    checkNumberFormat,
    checkStringFormat,
    dns1123Label,
    dns1123Subdomain,
    isIPv4,
    isIPv6,
    isQuantity,
    labelValue,
    qualifiedName,
} from "../../../policy-pack/schema/formats";

describe("schema formats", () => {
    it("accepts resource quantities as strings and numbers", () => {
        for (const q of ["500m", "1", "1.5Gi", "128Mi", "2e3", "0.5", 2, 0.25]) assert.ok(isQuantity(q), String(q));
    });

    it("rejects malformed quantities", () => {
        for (const q of ["256MB", "1.5 Gi", "", "m", "abc", true]) assert.strictEqual(isQuantity(q), false, String(q));
    });

    it("checks date-time, byte and int32 formats", () => {
        assert.strictEqual(checkStringFormat("date-time", "2026-01-02T03:04:05Z"), undefined);
        assert.strictEqual(checkStringFormat("date-time", "yesterday"), "must be an RFC 3339 date-time");
        assert.strictEqual(checkStringFormat("byte", "c2hvcA=="), undefined);
        assert.strictEqual(checkStringFormat("byte", "not base64!"), "must be base64-encoded");
        assert.strictEqual(checkNumberFormat("int32", 2147483648), "must fit in a 32-bit integer");
        assert.strictEqual(checkNumberFormat("int32", 443), undefined);
    });

    it("lets unknown formats pass, as the API server does", () => {
        assert.strictEqual(checkStringFormat("no-such-format", "x"), undefined);
    });

    it("recognises IPv4 and IPv6 addresses", () => {
        assert.ok(isIPv4("192.168.10.240"));
        assert.strictEqual(isIPv4("192.168.10.256"), false);
        for (const a of ["::1", "fd00::10", "2001:db8:0:0:0:0:0:1", "::ffff:10.0.0.1"]) assert.ok(isIPv6(a), a);
        for (const a of ["1::2::3", "12345::", "10.0.0.1", "::g"]) assert.strictEqual(isIPv6(a), false, a);
    });

    it("checks object names, label keys and label values", () => {
        assert.strictEqual(dns1123Label("istio-system"), undefined);
        assert.ok(dns1123Label("istio.system"));
        assert.strictEqual(dns1123Subdomain("istio-validator-istio-system.v1"), undefined);
        assert.ok(dns1123Subdomain("Shop"));
        assert.strictEqual(qualifiedName("app.kubernetes.io/name"), undefined);
        assert.ok(qualifiedName("a/b/c"));
        assert.strictEqual(labelValue(""), undefined);
        assert.ok(labelValue("x".repeat(64)));
    });
});
