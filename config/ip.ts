/** @deprecated use domain/ip: the one reading of addresses and pool entries for the program and the pack. */
export * from "../domain/ip";
