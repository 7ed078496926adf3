/**
 * ServerFeatures.GetSupportedMethods: the methods this stand-in serves and a version string.
 * The official client takes BatchAppend for appendToStream whenever it is listed here.
 */
import type * as grpc from '@grpc/grpc-js';
import { featuresPb } from './protocol';

export const STAND_IN_VERSION = '26.1.0-stand-in';
const STREAMS = 'event_store.client.streams.Streams';

export function supportedMethodsHandler(options: { batchAppend: boolean }) {
  return (_call: grpc.ServerUnaryCall<unknown, featuresPb.SupportedMethods>, callback: grpc.sendUnaryData<featuresPb.SupportedMethods>) => {
    const methods: Array<[string, string, string[]]> = [
      [STREAMS, 'read', ['position', 'events']],
      [STREAMS, 'append', []],
      ...(options.batchAppend ? ([[STREAMS, 'batchappend', []]] as Array<[string, string, string[]]>) : []),
      ['event_store.client.server_features.ServerFeatures', 'getsupportedmethods', []],
    ];
    const supported = new featuresPb.SupportedMethods();
    supported.setEventStoreServerVersion(STAND_IN_VERSION);
    supported.setMethodsList(
      methods.map(([service, method, features]) => {
        const m = new featuresPb.SupportedMethod();
        m.setServiceName(service);
        m.setMethodName(method);
        m.setFeaturesList(features);
        return m;
      }),
    );
    callback(null, supported);
  };
}
