// The few jStat functions corridor-sim uses (the package ships no types). It is
// CommonJS: its module object (the default import) holds `jStat`.
declare module 'jstat' {
  const jstat: {
    jStat: {
      normal: { inv(p: number, mean: number, sd: number): number; cdf(x: number, mean: number, sd: number): number };
      beta: { inv(p: number, alpha: number, beta: number): number };
    };
  };
  export default jstat;
}
