/** Image references as the container runtime reads them. */

/**
 * The registry host an image is pulled from: the first path segment when it looks like a host (has a dot or
 * a port, or is localhost), else Docker Hub (`nginx`, `library/nginx`, `bitnami/redis` are docker.io).
 */
export function imageRegistry(image: string): string {
    const slash = image.indexOf("/");
    if (slash < 0) return "docker.io";
    const first = image.slice(0, slash);
    return first.includes(".") || first.includes(":") || first === "localhost" ? first : "docker.io";
}
