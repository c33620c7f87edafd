// The default master seed, apart from the streams so that the CLI's option
// list can name it without loading seedrandom.
export const DEFAULT_SEED = 20250930; // the day Dostyk–Moyinty opened in full
