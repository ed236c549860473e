/** The shipped scenarios, merged at build time (src/node/explorer-build.ts, scenariosPlugin). */
declare module 'virtual:rewardmix-scenarios' {
  const scenarios: { id: string; file: string; raw: Record<string, unknown> }[];
  export default scenarios;
}
