// What the report itself says around the checks' results (headings, columns, captions), in the
// run's language: the checks' own texts come already said (CheckResult).
import type { Speaker, Words } from '../../said.ts';

export interface ReportWords {
  /** the page's heading, before the lab's name in quotes */
  heading: Words;
  /** the browser tab's title, before the lab's name */
  tabTitle: Words;
  haStack: Words;
  topologyAlt: Words;
  findingsHeading: Words;
  findingsColumns: { step: Words; machine: Words; wrong: Words; fix: Words };
  resultsColumns: { check: Words; verdict: Words; figures: Words };
  /** "The farm of the tutorial <em>…</em>: VIP …" up to the address */
  farmOfTheTutorial: Words;
  keptBy: Words;
  statsPageAsItWas: Words;
  statsPageAt: Words;
  requestsDuring(id: string): Words;
  packetsDuring(id: string): Words;
  sideBySide(id: string): Words;
  keptColumns: { definition: Words; when: Words };
  captures: Words;
  openInWireshark: Words;
  stillRunning: Words;
}

export function reportWords(say: Speaker): ReportWords {
  return {
    heading: say('hafarm verification of lab', 'Verificación de hafarm del laboratorio'),
    tabTitle: say('hafarm verification', 'verificación de hafarm'),
    haStack: say('HA stack', 'Pila de alta disponibilidad'),
    topologyAlt: say('the lab: machines, networks and the VIP', 'el laboratorio: máquinas, redes y la VIP'),
    findingsHeading: say("What is wrong, by the tutorial's steps", 'Qué está mal, por pasos del tutorial'),
    findingsColumns: {
      step: say('step', 'paso'),
      machine: say('machine', 'máquina'),
      wrong: say('what is wrong', 'qué está mal'),
      fix: say('what to do', 'qué hacer'),
    },
    resultsColumns: {
      check: say('check', 'comprobación'),
      verdict: say('verdict', 'veredicto'),
      figures: say('figures', 'cifras'),
    },
    farmOfTheTutorial: say('The farm of the tutorial', 'La granja del tutorial'),
    keptBy: say('kept by', 'mantenida por'),
    statsPageAsItWas: say(
      "HAProxy's statistics page as it was:",
      'La página de estadísticas de HAProxy tal como estaba:',
    ),
    statsPageAt: say("HAProxy's statistics page", 'La página de estadísticas de HAProxy'),
    requestsDuring: (id) => say(`requests during ${id}`, `peticiones durante ${id}`),
    packetsDuring: (id) => say(`packets per balancer during ${id}`, `paquetes por balanceador durante ${id}`),
    sideBySide: (id) =>
      say(
        `${id} side by side: the last run under each definition`,
        `${id} lado a lado: la última ejecución con cada definición`,
      ),
    keptColumns: { definition: say('definition', 'definición'), when: say('when', 'cuándo') },
    captures: say('Captures', 'Capturas'),
    openInWireshark: say('open in Wireshark', 'ábrela en Wireshark'),
    stillRunning: say(
      'still running: the checks after these had not ended when this report was written',
      'en curso: las comprobaciones siguientes no habían terminado cuando se escribió este informe',
    ),
  };
}
