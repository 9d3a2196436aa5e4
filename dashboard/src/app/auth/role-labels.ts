import type { Role } from '@switchboard/contracts';

/** How the console names each role. */
export const roleLabels: Readonly<Record<Role, string>> = {
  super_admin: 'Platform administrator',
  owner: 'Owner',
  admin: 'Admin',
  agent: 'Agent',
};

/** One line on what each role may do, for the invite form and the role picker. */
export const roleSummaries: Readonly<Record<Role, string>> = {
  super_admin: 'Manages every workspace on this Switchboard.',
  owner: 'Everything, including billing and other owners.',
  admin: 'Everything in the workspace except billing: team, channels, bot, audit.',
  agent: 'Answers and claims chats; reads channels and captures.',
};
