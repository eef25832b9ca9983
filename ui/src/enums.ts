// Option lists. The server's GET /enums is the source of truth; these are the same lists,
// used until it answers (and in tests).
import type { Enums, Region } from './api';

export const defaultEnums: Enums = {
  stakeholder_kinds: ['legislator', 'oversight_committee', 'institution', 'organization', 'person'],
  stances: ['champion', 'supporter', 'neutral', 'unknown', 'opponent'],
  influences: ['high', 'medium', 'low'],
  chambers: ['congress', 'senate', 'deputies'],
  meeting_kinds: ['in_person', 'virtual', 'call', 'event', 'training'],
  topics: ['prevention', 'prosecution', 'victim_protection', 'budget', 'legislation', 'regional_plan', 'coordination', 'training', 'data_reporting'],
  commitment_types: ['legislative', 'budget', 'public_statement', 'oversight', 'coordination', 'other'],
  commitment_statuses: ['pending', 'in_progress', 'fulfilled', 'partially_fulfilled', 'not_fulfilled', 'withdrawn'],
  message_statuses: ['new', 'follow_up', 'done', 'ignored'],
  roles: ['admin', 'manager', 'officer', 'viewer'],
};

export const FINAL_STATUSES = ['fulfilled', 'partially_fulfilled', 'not_fulfilled', 'withdrawn'];
export const RELATIONSHIP_KINDS = ['works_for', 'advises', 'coordinates', 'member_of'];

const names = [
  'Amazonas', 'Áncash', 'Apurímac', 'Arequipa', 'Ayacucho', 'Cajamarca', 'Callao', 'Cusco', 'Huancavelica',
  'Huánuco', 'Ica', 'Junín', 'La Libertad', 'Lambayeque', 'Lima', 'Loreto', 'Madre de Dios', 'Moquegua',
  'Pasco', 'Piura', 'Puno', 'San Martín', 'Tacna', 'Tumbes', 'Ucayali',
];
const program = new Set(['04', '08', '15', '16', '17', '21']);

export const defaultRegions: Region[] = [
  ...names.map((name, i) => {
    const code = String(i + 1).padStart(2, '0');
    return { code, name, program: program.has(code) };
  }),
  { code: 'NAC', name: 'Nacional', program: false },
];
