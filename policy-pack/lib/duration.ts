/** @deprecated use domain/duration: the one Go-duration reader of the program and the pack. */
export { formatDuration, HOUR, MINUTE, MS, parseDuration } from "../../domain/duration";
