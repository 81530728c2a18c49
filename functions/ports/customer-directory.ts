/** Finds customers by address (the helpdesk names a ticket's requester only by email). */
export interface CustomerDirectory {
  /** The ids of every customer with this email (compared lower-cased), none when nobody has it. */
  customerIdsByEmail(email: string): Promise<string[]>;
}
