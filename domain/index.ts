/**
 * Domain values: the one meaning of each kind of value the program, the policy pack and the validator read.
 * Dependency-free (Node built-ins only), so the policy pack may import it without importing the program.
 */
export * from "./duration";
export * from "./ip";
export * from "./names";
export * from "./quantity";
export * from "./version";
