import { CouplingNet } from '../layers/coupling-net.js';
import type { ParamStore } from '../params.js';

/**
 * Collects what each coupling layer needs from its network, then builds one network per sharing
 * group, wide enough for all its members (channel counts grow level by level, so a network shared
 * across the whole flow reads the widest input and narrower ones are zero-padded).
 */
export class NetPlanner {
  private readonly needs = new Map<string, { inChannels: number; outChannels: number }>();
  private readonly nets = new Map<string, CouplingNet>();

  constructor(private readonly width: number, private readonly condDim: number) {}

  need(group: string, inChannels: number, outChannels: number): void {
    const n = this.needs.get(group) ?? { inChannels: 0, outChannels: 0 };
    this.needs.set(group, { inChannels: Math.max(n.inChannels, inChannels), outChannels: Math.max(n.outChannels, outChannels) });
  }

  build(params: ParamStore): void {
    for (const [group, { inChannels, outChannels }] of this.needs) {
      this.nets.set(group, new CouplingNet(`${group}/net`, { inChannels, outChannels, width: this.width, condDim: this.condDim }, params));
    }
  }

  net(group: string): CouplingNet {
    const n = this.nets.get(group);
    if (!n) throw new Error(`no coupling network planned for '${group}'`);
    return n;
  }
}
