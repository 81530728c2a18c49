import type { CustomerDirectory } from '../../functions/ports/customer-directory.ts';

/** The CustomerDirectory in memory: each customer's profile address, compared lower-cased as the email index does. */
export class MemoryCustomerDirectory implements CustomerDirectory {
  /** The address of each customer's profile, by customer id (a re-import replaces it). */
  readonly profiles = new Map<string, string>();

  async customerIdsByEmail(email: string): Promise<string[]> {
    const address = email.toLowerCase();
    return [...this.profiles].flatMap(([customerId, known]) =>
      known.toLowerCase() === address ? [customerId] : [],
    );
  }
}
