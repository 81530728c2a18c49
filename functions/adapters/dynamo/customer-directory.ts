import type { CustomerDirectory } from '../../ports/customer-directory.ts';
import { customerIdsByEmail } from './customers-by-email.ts';
import { TableAdapter } from './table-adapter.ts';

/** The CustomerDirectory over the table's email index (the profiles' `EMAIL#<email>` entries). */
export class DynamoCustomerDirectory extends TableAdapter implements CustomerDirectory {
  customerIdsByEmail(email: string): Promise<string[]> {
    return customerIdsByEmail(this.documents, this.tableName, email);
  }
}
