// ESLint (flat config): JavaScript's and typescript-eslint's recommended rules over the whole repository.
// Formatting is Prettier's job (npm run format:check); these rules catch mistakes, not style.
import js from "@eslint/js";
import tseslint from "typescript-eslint";

export default tseslint.config(
    { ignores: ["**/node_modules/**", "dist/**", "mesh/**", "**/*.d.ts"] },
    js.configs.recommended,
    ...tseslint.configs.recommended,
    {
        languageOptions: {
            ecmaVersion: 2022,
            sourceType: "module",
            globals: {
                require: "readonly",
                module: "writable",
                exports: "writable",
                process: "readonly",
                __dirname: "readonly",
                __filename: "readonly",
                console: "readonly",
                performance: "readonly",
                Buffer: "readonly",
                setTimeout: "readonly",
                clearTimeout: "readonly",
                setImmediate: "readonly",
            },
        },
        rules: {
            // Mocks, test doubles and untyped Kubernetes objects are `any` on purpose; typed code stays typed by tsc.
            "@typescript-eslint/no-explicit-any": "off",
            // The launchers (guard.js, pulumi-main.js) and the benches load modules lazily with require().
            "@typescript-eslint/no-require-imports": "off",
            "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_", caughtErrors: "none" }],
        },
    },
);
