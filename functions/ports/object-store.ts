/** Objects in a bucket (S3): imports in, reports out. */
export interface ObjectStore {
  getText(bucket: string, key: string): Promise<string>;
  putText(bucket: string, key: string, body: string, contentType?: string): Promise<void>;
  /** Deletes an object (a customer's raw replies, when they ask to be forgotten); absent is fine. */
  deleteObject(bucket: string, key: string): Promise<void>;
}
