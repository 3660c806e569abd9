// Market-supervision permit events as a department's system publishes them, with the defects real feeds
// carry: truncated JSON, numbers sent as words, missing ids, bad mobiles and credit codes.
import { CreditCodeIssuer, withWrongCheck } from './credit-codes.ts';
import { MINHANG_AREA_CODE, MINHANG_STREET_NAMES, TRADE_NAME_CHARS } from './minhang.ts';
import { invalidMobile, mobileNumber, personName } from './people.ts';
import { Prng } from './prng.ts';

export type PermitDefect = 'truncated' | 'wrong_type' | 'missing_id' | 'bad_mobile' | 'bad_credit_code';
const DEFECTS: readonly PermitDefect[] = ['truncated', 'wrong_type', 'missing_id', 'bad_mobile', 'bad_credit_code'];

export interface PermitEvent {
  payload: string;
  /** Undefined for a clean event. */
  defect?: PermitDefect;
}

/** `count` events, a share `invalid` of them defective (evenly over the defect kinds); reproducible per seed. */
export function* permitEvents(count: number, options: { invalid: number; seed: number; start?: Date }): Generator<PermitEvent> {
  const rng = new Prng(options.seed);
  const codes = new CreditCodeIssuer(rng.fork('codes'));
  const start = (options.start ?? new Date()).getTime();
  // Permit numbers carry the seed: a second feed is new permits, not copies the stream's key would drop.
  const series = String(options.seed % 1_000_000).padStart(6, '0');
  for (let i = 0; i < count; i++) {
    const code = codes.issue('new', MINHANG_AREA_CODE);
    const event = {
      permit_id: `SCJG-310112-${series}-${String(i + 1).padStart(8, '0')}`,
      enterprise: `上海${rng.pick(TRADE_NAME_CHARS)}${rng.pick(TRADE_NAME_CHARS)}商贸有限公司`,
      credit_code: code,
      holder: personName(rng, rng.chance(0.5)),
      mobile: mobileNumber(rng),
      street: rng.pick(MINHANG_STREET_NAMES),
      fee: rng.int(0, 500_000) / 100,
      issued_at: new Date(start - (count - i) * 1000).toISOString().replace('Z', '+00:00'),
    };
    const defect = rng.chance(options.invalid) ? rng.pick(DEFECTS) : undefined;
    if (defect === 'truncated') yield { payload: JSON.stringify(event).slice(0, 40), defect };
    else if (defect === 'wrong_type') yield { payload: JSON.stringify({ ...event, fee: '五百元' }), defect };
    else if (defect === 'missing_id') yield { payload: JSON.stringify({ ...event, permit_id: undefined }), defect };
    else if (defect === 'bad_mobile') yield { payload: JSON.stringify({ ...event, mobile: invalidMobile(rng, event.mobile) }), defect };
    else if (defect === 'bad_credit_code') yield { payload: JSON.stringify({ ...event, credit_code: withWrongCheck(code, rng) }), defect };
    else yield { payload: JSON.stringify(event) };
  }
}
