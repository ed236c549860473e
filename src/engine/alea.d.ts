declare module 'seedrandom/lib/alea.js' {
  /** seedrandom's alea generator: a uniform on [0, 1) from a string seed. */
  export default function alea(seed: string): { (): number; int32(): number; double(): number };
}
