// The few jStat functions corridor-sim uses (the package ships no types).
declare module 'jstat' {
  export const jStat: {
    normal: { inv(p: number, mean: number, sd: number): number; cdf(x: number, mean: number, sd: number): number };
    beta: { inv(p: number, alpha: number, beta: number): number };
  };
}
