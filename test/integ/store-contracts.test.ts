import { DynamoDBDocumentClient, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { DynamoContactStatusStore } from '../../functions/adapters/dynamo/contact-status-store.ts';
import { DynamoCustomerDirectory } from '../../functions/adapters/dynamo/customer-directory.ts';
import { DynamoCustomerStore } from '../../functions/adapters/dynamo/customer-store.ts';
import { DynamoEngagementLedger } from '../../functions/adapters/dynamo/engagement-ledger.ts';
import { DynamoEnrolmentStore } from '../../functions/adapters/dynamo/enrolment-store.ts';
import { DynamoInboundLog, inboundRetentionMs } from '../../functions/adapters/dynamo/inbound-log.ts';
import { pendingRefundItem } from '../../functions/adapters/dynamo/items.ts';
import { DynamoPrivacyStore } from '../../functions/adapters/dynamo/privacy-store.ts';
import { DynamoReportReader } from '../../functions/adapters/dynamo/report-reader.ts';
import { DynamoSegmentationStore } from '../../functions/adapters/dynamo/segmentation-store.ts';
import { DynamoSendGuard } from '../../functions/adapters/dynamo/send-guard.ts';
import { DynamoSequencePauses } from '../../functions/adapters/dynamo/sequence-pauses.ts';
import { keys } from '../../functions/adapters/dynamo/table-design.ts';
import type { LiveOrder, LiveRefund } from '../../functions/core/customers/live-order.ts';
import { contactStatusStoreContract } from '../support/contracts/contact-status-store-contract.ts';
import { customerDirectoryContract } from '../support/contracts/customer-directory-contract.ts';
import { engagementLedgerContract } from '../support/contracts/engagement-ledger-contract.ts';
import { forgottenRegisterContract } from '../support/contracts/forgotten-register-contract.ts';
import {
  importSinkContract,
  liveCustomerContract,
  liveOrderContract,
} from '../support/contracts/import-sink-contract.ts';
import { inboundLogContract } from '../support/contracts/inbound-log-contract.ts';
import { reportReaderContract } from '../support/contracts/report-reader-contract.ts';
import { segmentationStoreContract } from '../support/contracts/segmentation-store-contract.ts';
import { sendGuardContract } from '../support/contracts/send-guard-contract.ts';
import { sendLedgerContract } from '../support/contracts/send-ledger-contract.ts';
import { sequencePausesContract } from '../support/contracts/sequence-pauses-contract.ts';
import { useDynamoTable } from '../support/dynamo-table.ts';

/** The DynamoDB adapters against DynamoDB Local, through the same contracts their fakes pass. */
const table = 'store-contracts';
const dynamodb = useDynamoTable(table);
const unique = (name: string) => `dynamo-${name}`;
/** Stores a customer profile with this address, as an import would. */
const addProfile = (customerId: string, email: string) =>
  new DynamoCustomerStore(dynamodb(), table).putCustomers([
    { customerId, email, firstName: 'Asha', locale: 'en', timeZone: 'UTC', consent: 'granted' },
  ]);
/** Erasure needs no raw mail here: the tests put none in a bucket. */
const noObjects = {
  putText: async () => undefined,
  getText: async () => '',
  deleteObject: async () => undefined,
};

describe('the DynamoDB EngagementLedger keeps the port’s promises', () => {
  engagementLedgerContract(() => new DynamoEngagementLedger(dynamodb(), table), unique);
});

describe('the DynamoDB ContactStatusStore keeps the port’s promises', () => {
  contactStatusStoreContract(() => new DynamoContactStatusStore(dynamodb(), table), unique, addProfile);
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
    await new DynamoPrivacyStore(dynamodb(), table, noObjects).forgetEmail('gone@example.com', 7);
    expect(await new DynamoSendGuard(dynamodb(), table).sendGuard('Gone@example.com', 'any')).toEqual({
      suppression: { reason: 'manual', at: 7 },
    });
  });
});

describe('the DynamoDB send ledger keeps the port’s promises', () => {
  sendLedgerContract(() => new DynamoCustomerStore(dynamodb(), table), unique);
});

describe('the DynamoDB ReportReader keeps the port’s promises', () => {
  reportReaderContract(
    () => ({
      reader: new DynamoReportReader(dynamodb(), table),
      enrolments: new DynamoEnrolmentStore(dynamodb(), table),
      customers: new DynamoCustomerStore(dynamodb(), table),
      ledger: new DynamoEngagementLedger(dynamodb(), table),
    }),
    unique,
  );
});

describe('the DynamoDB CustomerDirectory keeps the port’s promises', () => {
  customerDirectoryContract(() => new DynamoCustomerDirectory(dynamodb(), table), addProfile, unique);
});

describe('the DynamoDB ForgottenRegister keeps the port’s promises', () => {
  const privacy = () => new DynamoPrivacyStore(dynamodb(), table, noObjects);
  forgottenRegisterContract(
    privacy,
    async (email, customerIds, at) => {
      for (const customerId of customerIds) await addProfile(customerId, email);
      await privacy().forgetEmail(email, at);
    },
    unique,
  );
});

describe('the DynamoDB SegmentationStore keeps the port’s promises', () => {
  const segmentation = () => new DynamoSegmentationStore(dynamodb(), table);
  const read = async (customerId: string) => {
    for await (const record of segmentation().scanCustomerRecords()) {
      if (record.customer.customerId === customerId) return record;
    }
    return { orders: [], incidents: [] };
  };
  importSinkContract(segmentation, read, unique);
  // One customer's Query instead of a Scan of the table.
  liveOrderContract(
    segmentation,
    async (customerId) => ({
      orders: (await new DynamoCustomerStore(dynamodb(), table).getCustomerView(customerId))?.orders ?? [],
      incidents: [],
    }),
    unique,
  );
  shopifyRefundCases(segmentation);
  liveCustomerContract(
    segmentation,
    async (customerId) => {
      const view = await new DynamoCustomerStore(dynamodb(), table).getCustomerView(customerId);
      return { ...(view === undefined ? {} : { customer: view.customer }), orders: [], incidents: [] };
    },
    unique,
  );
  segmentationStoreContract(
    () => ({
      store: segmentation(),
      enrolments: new DynamoEnrolmentStore(dynamodb(), table),
      addCustomer: async ({ customer, orders, incidents }) => {
        await segmentation().putCustomers([customer]);
        await segmentation().putOrders(orders);
        await segmentation().putIncidents(incidents);
      },
    }),
    unique,
  );
});

/** The items under a Shopify order's id: its pointer and the refunds waiting for it. */
async function shopifyOrderItems(shopifyOrderId: string) {
  const { Items = [] } = await DynamoDBDocumentClient.from(dynamodb()).send(
    new QueryCommand({
      TableName: table,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': keys.shopifyOrder(shopifyOrderId) },
      ConsistentRead: true,
    }),
  );
  return Items;
}

/** What only the table shows of Shopify refunds: the items kept, their expiry, old items, erasure. */
function shopifyRefundCases(segmentation: () => DynamoSegmentationStore) {
  const at = Date.parse('2026-03-24T15:40:09Z');
  const order = (customerId: string, shopifyOrderId: string): LiveOrder => ({
    order: { orderId: '1005', customerId, placedAt: '2026-03-20T11:02:45.000Z', amount: 80, status: 'paid' },
    updatedAt: Date.parse('2026-03-20T11:02:45Z'),
    shopifyOrderId,
    refundIds: [],
  });
  const refundOf = (shopifyOrderId: string): LiveRefund => ({
    shopifyOrderId,
    refundId: 'r1',
    amount: 10,
    at,
  });
  /** The customer's orders, read through a profile (a view needs one). */
  const ordersOf = async (customerId: string) => {
    await addProfile(customerId, `${customerId}@example.com`);
    return (await new DynamoCustomerStore(dynamodb(), table).getCustomerView(customerId))?.orders ?? [];
  };

  it('keeps a refund that came first 90 days, and only the pointer once its order counted it', async () => {
    const shopifyOrderId = unique('5861712775001');
    const customerId = unique('refund-items');
    expect(await segmentation().recordRefund(refundOf(shopifyOrderId))).toBe('held');
    expect(await shopifyOrderItems(shopifyOrderId)).toEqual([
      expect.objectContaining({
        sk: keys.pendingRefund('r1'),
        expiresAt: Math.floor((at + 90 * 86_400_000) / 1_000),
      }),
    ]);
    await segmentation().recordOrder(order(customerId, shopifyOrderId));
    expect(await shopifyOrderItems(shopifyOrderId)).toEqual([
      expect.objectContaining({
        sk: keys.shopifyOrderPointer(),
        orderPk: keys.customer(customerId),
        orderSk: keys.order('1005'),
      }),
    ]);
  });

  it('counts a held refund once when the order’s write stopped before deleting it', async () => {
    const shopifyOrderId = unique('5861712775002');
    const customerId = unique('refund-crash');
    const documents = DynamoDBDocumentClient.from(dynamodb());
    expect(await segmentation().recordRefund(refundOf(shopifyOrderId))).toBe('held');
    await segmentation().recordOrder(order(customerId, shopifyOrderId));
    // As if the write had stopped between counting the refund and deleting it.
    await documents.send(
      new PutCommand({ TableName: table, Item: pendingRefundItem(refundOf(shopifyOrderId)) }),
    );
    // Shopify retries the order (older than the refund now), which finishes the work.
    expect(await segmentation().recordOrder(order(customerId, shopifyOrderId))).toEqual({
      written: false,
      storedUpdatedAt: at,
    });
    expect(await ordersOf(customerId)).toMatchObject([{ status: 'partially_refunded', refundedAmount: 10 }]);
    expect((await shopifyOrderItems(shopifyOrderId)).map((item) => item.sk)).toEqual([
      keys.shopifyOrderPointer(),
    ]);
  });

  it('finds a live order written before pointers through its old index entry', async () => {
    const shopifyOrderId = unique('5861712775003');
    const customerId = unique('refund-legacy');
    const live = order(customerId, shopifyOrderId);
    await DynamoDBDocumentClient.from(dynamodb()).send(
      new PutCommand({
        TableName: table,
        Item: {
          pk: keys.customer(customerId),
          sk: keys.order('1005'),
          type: 'order',
          ...live.order,
          sourceUpdatedAt: live.updatedAt,
          shopifyOrderId,
          refundIds: [],
          gsi1pk: keys.shopifyOrder(shopifyOrderId),
          gsi1sk: keys.order('1005'),
        },
      }),
    );
    expect(await segmentation().recordRefund(refundOf(shopifyOrderId))).toBe('written');
    expect(await ordersOf(customerId)).toMatchObject([{ status: 'partially_refunded', refundedAmount: 10 }]);
  });

  it('erases the pointer with its customer: it names the customer’s key', async () => {
    const email = `${unique('refund-erased')}@example.com`;
    const shopifyOrderId = unique('5861712775004');
    await addProfile(email, email);
    await segmentation().recordOrder(order(email, shopifyOrderId));
    await new DynamoPrivacyStore(dynamodb(), table, noObjects).forgetEmail(email, at);
    expect(await shopifyOrderItems(shopifyOrderId)).toEqual([]);
  });
}

/** An inbound record as stored, without its keys, type and expiry. */
const StoredInboundSchema = z.object({
  mailId: z.string(),
  receivedAt: z.number(),
  outcome: z.enum(['rejected', 'auto-reply', 'unattributed']),
  reason: z.string(),
  s3Key: z.string(),
  customerId: z.string().optional(),
  from: z.string().optional(),
  subject: z.string().optional(),
  expiresAt: z.number(),
});

/** The inbound items of a UTC day's partition, as erasure reads them. */
async function inboundItemsOn(day: string) {
  const { Items = [] } = await DynamoDBDocumentClient.from(dynamodb()).send(
    new QueryCommand({
      TableName: table,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': keys.inbound(day) },
    }),
  );
  return Items.map((item) => StoredInboundSchema.parse(item));
}

describe('the DynamoDB InboundLog keeps the port’s promises', () => {
  inboundLogContract(
    () => new DynamoInboundLog(dynamodb(), table),
    async (day) => (await inboundItemsOn(day)).map(({ expiresAt: _, ...record }) => record),
    unique,
  );

  it('lets a record expire 90 days after the mail was received', async () => {
    const receivedAt = Date.parse('2026-10-01T12:00:00Z');
    const mailId = unique('expiry');
    await new DynamoInboundLog(dynamodb(), table).recordInbound({
      mailId,
      receivedAt,
      outcome: 'rejected',
      reason: 'forged token',
      s3Key: `inbound/${mailId}`,
    });
    const [item] = (await inboundItemsOn('2026-10-01')).filter((stored) => stored.mailId === mailId);
    expect(item?.expiresAt).toBe(Math.floor((receivedAt + inboundRetentionMs) / 1_000));
  });
});
