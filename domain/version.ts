/** Release versions, and the one Istio release the project pins. */

/** The Istio release the program installs by default and the validator reads CRDs and charts of. */
export const ISTIO_VERSION = "1.30.3";

/** A release version as Helm charts and Istio name them: `1.30.3`, `1.31.0-beta.1`. */
export const VERSION = /^\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?$/;

export function isVersion(text: string): boolean {
    return VERSION.test(text);
}
