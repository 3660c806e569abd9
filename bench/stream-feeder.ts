/**
 * The sustained stream benchmark's publisher, in a process of its own (as a department's publishers
 * would be): feeds a JetStream subject at a set rate for a set time, a tenth of a second's worth at a
 * time, and prints how many it published when done.
 *
 *   node --import tsx bench/stream-feeder.ts <nats-url> <subject> <rate> <seconds>
 *   node --import tsx bench/stream-feeder.ts <nats-url> <subject> 0 <count>     (a backlog: count messages, as fast as it can)
 */
import { jetstream } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { permitEvents } from '../samples/generator/permit-events.ts';

const [url, subject, rateText, secondsText] = process.argv.slice(2);
const rate = Number(rateText);
const seconds = Number(secondsText);
const encoder = new TextEncoder();
const data = [...permitEvents(rate || 20_000, { invalid: 0.02, seed: 7 })].map((e) => encoder.encode(e.payload));
const nc = await connect({ servers: url!.replace('nats://', '') });
const js = jetstream(nc);
const started = Date.now();
const step = rate > 0 ? Math.max(1, Math.round(rate / 10)) : 5_000;
let published = 0;
while (rate > 0 ? Date.now() < started + seconds * 1000 : published < seconds) {
  const from = published % data.length;
  await Promise.all(data.slice(from, from + step).map((d) => js.publish(subject!, d)));
  published += step;
  const due = rate > 0 ? started + (published / rate) * 1000 : 0;
  if (due > Date.now()) await new Promise((r) => setTimeout(r, due - Date.now()));
}
await nc.drain();
console.log(published);
