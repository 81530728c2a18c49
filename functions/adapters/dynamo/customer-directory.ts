import type { CustomerDirectory } from '../../ports/customer-directory.ts';
import { profilesByEmailQuery } from './items.ts';
import { queryAll } from './pages.ts';
import { TableAdapter } from './table-adapter.ts';

/** The CustomerDirectory over the table's email index (the profiles' `EMAIL#<email>` entries). */
export class DynamoCustomerDirectory extends TableAdapter implements CustomerDirectory {
  async customerIdsByEmail(email: string): Promise<string[]> {
    const items = await queryAll(this.documents, {
      TableName: this.tableName,
      ...profilesByEmailQuery(email.toLowerCase()),
    });
    return [...new Set(items.map((item) => String(item.customerId)))];
  }
}
