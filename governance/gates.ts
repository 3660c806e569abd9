// Quality gates between pipeline steps: a step's measured figures against the thresholds a spec sets.

export interface GateSpec {
  accuracy?: { min: number };
  rejected?: { max: number };
  records?: { min: number };
  onFail: 'stop' | 'warn';
}

/** What a finished step measured: its accuracy, the share of records it rejected, the records it published. */
export interface StepFigures {
  accuracy: number | null;
  rejectedShare: number;
  records: number;
}

const percent = (x: number) => `${(x * 100).toFixed(2)}%`;

/** Every threshold the figures miss, as a sentence naming the measured value. Empty: the gate passes. */
export function gateFailures(gate: GateSpec, figures: StepFigures): string[] {
  const failures: string[] = [];
  if (gate.accuracy) {
    if (figures.accuracy === null) failures.push(`accuracy was not measured (gate: at least ${percent(gate.accuracy.min)})`);
    else if (figures.accuracy < gate.accuracy.min) failures.push(`accuracy ${percent(figures.accuracy)} is below the minimum ${percent(gate.accuracy.min)}`);
  }
  if (gate.rejected && figures.rejectedShare > gate.rejected.max) {
    failures.push(`${percent(figures.rejectedShare)} of records were rejected, above the maximum ${percent(gate.rejected.max)}`);
  }
  if (gate.records && figures.records < gate.records.min)
    failures.push(`${figures.records} records were published, fewer than the minimum ${gate.records.min}`);
  return failures;
}
