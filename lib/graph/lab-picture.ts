// The picture of the lab in both forms lab:graph writes and the report shows: DOT (what
// documentation tools render) and the SVG Graphviz lays out from it.
import type { Lab } from '../lab/model.ts';
import { dotToSvg } from './render-svg.ts';
import { topologyDot, type TopologyView } from './topology-dot.ts';

export interface LabPicture {
  dot: string;
  svg: string;
}

export async function labPicture(lab: Lab, view: TopologyView): Promise<LabPicture> {
  const dot = topologyDot(lab, view);
  return { dot, svg: await dotToSvg(dot) };
}
