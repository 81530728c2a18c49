import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoContactStatusStore } from '../../functions/adapters/dynamo/contact-status-store.ts';
import { DynamoCustomerStore } from '../../functions/adapters/dynamo/customer-store.ts';
import { DynamoEngagementLedger } from '../../functions/adapters/dynamo/engagement-ledger.ts';
import { DynamoPrivacyStore } from '../../functions/adapters/dynamo/privacy-store.ts';
import { DynamoSendGuard } from '../../functions/adapters/dynamo/send-guard.ts';
import { DynamoSequencePauses } from '../../functions/adapters/dynamo/sequence-pauses.ts';
import { createCustomerTable } from '../../functions/local/bootstrap-table.ts';
import { type DynamoDbLocal, startDynamoDbLocal } from '../../functions/local/dynamodb-local.ts';
import { contactStatusStoreContract } from '../support/contracts/contact-status-store-contract.ts';
import { engagementLedgerContract } from '../support/contracts/engagement-ledger-contract.ts';
import { sendGuardContract } from '../support/contracts/send-guard-contract.ts';
import { sendLedgerContract } from '../support/contracts/send-ledger-contract.ts';
import { sequencePausesContract } from '../support/contracts/sequence-pauses-contract.ts';

/** The DynamoDB adapters against DynamoDB Local, through the same contracts their fakes pass. */
const table = 'store-contracts';
let dynamo: DynamoDbLocal | undefined;
let client: DynamoDBClient | undefined;

beforeAll(async () => {
  dynamo = await startDynamoDbLocal();
  client = new DynamoDBClient({
    endpoint: dynamo.endpoint,
    region: 'eu-west-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  await createCustomerTable(client, table);
});

afterAll(async () => {
  client?.destroy();
  await dynamo?.stop();
});

const dynamodb = () => {
  if (client === undefined) throw new Error('DynamoDB Local did not start');
  return client;
};
const unique = (name: string) => `dynamo-${name}`;

describe('the DynamoDB EngagementLedger keeps the port’s promises', () => {
  engagementLedgerContract(() => new DynamoEngagementLedger(dynamodb(), table), unique);
});

describe('the DynamoDB ContactStatusStore keeps the port’s promises', () => {
  contactStatusStoreContract(
    () => new DynamoContactStatusStore(dynamodb(), table),
    unique,
    (customerId, email) =>
      new DynamoCustomerStore(dynamodb(), table).putCustomers([
        { customerId, email, firstName: 'Asha', locale: 'en', timeZone: 'UTC', consent: 'granted' },
      ]),
  );
});

describe('the DynamoDB SequencePauses keep the port’s promises', () => {
  sequencePausesContract(() => new DynamoSequencePauses(dynamodb(), table), unique);
});

describe('the DynamoDB SendGuardReader keeps the port’s promises', () => {
  sendGuardContract(
    () => ({
      guard: new DynamoSendGuard(dynamodb(), table),
      contacts: new DynamoContactStatusStore(dynamodb(), table),
      pauses: new DynamoSequencePauses(dynamodb(), table),
    }),
    unique,
  );

  it('reads a forgotten address as suppressed by hand, from its tombstone', async () => {
    const objects = {
      putText: async () => undefined,
      getText: async () => '',
      deleteObject: async () => undefined,
    };
    await new DynamoPrivacyStore(dynamodb(), table, objects).forgetEmail('gone@example.com', 7);
    expect(await new DynamoSendGuard(dynamodb(), table).sendGuard('Gone@example.com', 'any')).toEqual({
      suppression: { reason: 'manual', at: 7 },
    });
  });
});

describe('the DynamoDB send ledger keeps the port’s promises', () => {
  sendLedgerContract(() => new DynamoCustomerStore(dynamodb(), table), unique);
});
