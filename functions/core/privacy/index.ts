/** The privacy capability's public face: other code imports from here, never from its files. */
export { erasePersonalData, exportPersonalData } from './personal-data.ts';
export { type PersonalDataStore } from './ports.ts';
