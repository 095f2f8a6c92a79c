/**
 * The layering rules `npm run deps` checks (and `npm test` runs): domain values below everything, config
 * below components, the policy pack independent of the program, and no import cycles anywhere.
 */
module.exports = {
    forbidden: [
        { name: "no-circular", severity: "error", comment: "An import cycle: split the shared part into its own module.", from: {}, to: { circular: true } },
        {
            name: "config-not-to-components",
            severity: "error",
            comment: "config/ parses and validates; it never imports components/ (move the pure function into config/ or domain/).",
            from: { path: "^(config/|config\\.ts$)" },
            to: { path: "^components/" },
        },
        {
            name: "domain-is-a-leaf",
            severity: "error",
            comment: "domain/ is dependency-free: Node built-ins and other domain/ modules only.",
            from: { path: "^domain/" },
            to: { pathNot: "^domain/", dependencyTypesNot: ["core"] },
        },
        {
            name: "pack-independent-of-program",
            severity: "error",
            comment: "policy-pack/ runs without the program: it may import domain/, never config/, components/ or index.ts.",
            from: { path: "^policy-pack/" },
            to: { path: "^(config/|components/|config\\.ts$|index\\.ts$|deploy/)" },
        },
    ],
    options: {
        doNotFollow: { path: "node_modules" },
        exclude: { path: "(^|/)(node_modules|dist)/" },
        tsPreCompilationDeps: true,
        tsConfig: { fileName: "tsconfig.json" },
    },
};
