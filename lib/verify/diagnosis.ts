// Moved to roles/mistakes.ts (the components' contract); this re-export goes once nothing imports it.
export * from '../../roles/mistakes.ts';
