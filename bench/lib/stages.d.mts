// Types of stages.mjs, for the TypeScript tests that import it.
export declare const STAGES: readonly (readonly [string, readonly RegExp[]])[];
export declare function stagesOfProfile(file: string, windowUs?: readonly [number, number]): { totalUs: number; byStage: Record<string, number> };
export declare function stageBreakdown(
  files: readonly string[], cpuUsPerRequest: number | null, windowUs?: readonly [number, number],
): { stage: string; share: number; usPerRequest: number | null }[];
