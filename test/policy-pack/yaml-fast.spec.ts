import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { CORE_SCHEMA, load } from "js-yaml";
import { splitDocuments } from "../../policy-pack/checker/load";
import { FALLBACK, parseFast } from "../../policy-pack/checker/yaml-fast";

const full = (text: string) => load(text, { schema: CORE_SCHEMA }) ?? null;

// Each case must read exactly as js-yaml reads it.
const SAME: [string, string][] = [
    ["nested maps and lists", "a:\n  b: 1\n  c:\n  - x\n  - y: 2\n    z: [1, two, \"3\"]\nd: {e: f, g: [h]}\n"],
    ["a list at the key's indentation", "items:\n- a\n- b\nnext: 1\n"],
    ["core-schema scalars", "a: 1\nb: -2\nc: 1.5\nd: true\ne: False\nf: null\ng: ~\nh:\ni: 0x1f\nj: 1e3\nk: .inf\nl: 012\nm: yes\nn: 1_000\n"],
    ["quoted scalars", "a: 'it''s'\nb: \"tab\\there \\u00e9\"\nc: \"80\"\n\"quoted key\": v\n'single key': w\n"],
    ["comments", "# head\na: b # trailing\nc: 'd # not a comment'\nurl: http://x/#frag\n"],
    ["literal block scalars", "a: |\n  line 1\n\n  line 3\nb: |-\n  stripped\nc: |+\n  kept\n\nd: x\n"],
    ["folded block scalar", "a: >\n  one\n  two\nb: >-\n  three\n  four\n"],
    ["multi-line plain scalar", "description: The first line\n  continues here\n  and here.\nnext: 1\n"],
    ["multi-line single-quoted scalar", "d: 'a long\n  text with ''quotes''\n\n  and a blank line'\n"],
    ["compact nested sequences", "a:\n- - 1\n  - 2\n- - 3\n"],
    ["empty collections", "a: {}\nb: []\nc: [ ]\n"],
    ["colons inside plain values", "image: registry:5000/app:1.0\ntime: 12:30\n"],
    ["windows line endings", "a: 1\r\nb:\r\n  - c\r\n"],
    ["keys named like Object's own members", "constructor: 1\ntoString: [a]\nm: {hasOwnProperty: x, valueOf: 2}\n"],
];

// Each case is outside the fast subset: the reader must hand it to js-yaml.
const FALLS_BACK: [string, string][] = [
    ["anchors and aliases", "a: &x 1\nb: *x\n"],
    ["merge keys", "a: &x {k: 1}\nb:\n  <<: *x\n"],
    ["tags", "a: !!str 1\n"],
    ["complex keys", "? a\n: b\n"],
    ["numeric keys", "80: http\n"],
    ["duplicate keys", "a: 1\na: 2\n"],
    ["duplicate nested keys", "a:\n  b: 1\n  c: 2\n  b: 3\n"],
    ["duplicate keys in a flow mapping", "a: {b: 1, b: 2}\n"],
    ["duplicate quoted and plain keys", "a: 1\n\"a\": 2\n"],
    ["a __proto__ key", "__proto__: {x: 1}\n"],
    ["multi-line flow collections", "a: [1,\n  2]\n"],
    ["tabs in indentation", "a:\n\tb: 1\n"],
    ["a value that looks like a mapping", "a: b: c\n"],
    ["an unterminated quote", "a: \"b\n"],
    ["a bare scalar document", "just text\n"],
];

describe("fast YAML reader", () => {
    for (const [name, text] of SAME) {
        it(`reads ${name} as js-yaml does`, () => {
            const v = parseFast(text);
            assert.notStrictEqual(v, FALLBACK);
            assert.deepStrictEqual(v, full(text));
        });
    }
    for (const [name, text] of FALLS_BACK) {
        it(`leaves ${name} to js-yaml`, () => assert.strictEqual(parseFast(text), FALLBACK));
    }
    it("agrees with js-yaml on every fixture and every shared CRD document", () => {
        const files = [
            ...fs.readdirSync(path.join(__dirname, "fixtures"), { recursive: true, encoding: "utf8" })
                .filter(f => /\.ya?ml$/.test(f)).map(f => path.join(__dirname, "fixtures", f)),
            ...["cert-manager-v1.21.1", "metallb-v0.16.1", "prometheus-operator-v0.93.0"].flatMap(d => {
                const dir = path.join(__dirname, "..", "..", "..", "shared", "crds", d);
                return fs.existsSync(dir) ? fs.readdirSync(dir).map(f => path.join(dir, f)) : [];
            }),
        ];
        let fast = 0;
        for (const f of files) {
            for (const d of splitDocuments(fs.readFileSync(f, "utf8"))) {
                let expected: unknown;
                try {
                    expected = full(d.text);
                } catch {
                    assert.strictEqual(parseFast(d.text), FALLBACK, `${f}:${d.line} is invalid YAML but was accepted`);
                    continue;
                }
                const v = parseFast(d.text);
                if (v === FALLBACK) continue;
                fast++;
                assert.deepStrictEqual(v, expected, `${f}:${d.line}`);
            }
        }
        assert.ok(fast > 50, `only ${fast} documents took the fast path`);
    });
});
