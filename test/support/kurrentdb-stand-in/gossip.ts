/**
 * Gossip.Read for a single node: one member, alive, leader, at the stand-in's own address.
 * (Only answered so that a client that asks for cluster info finds this node; no cluster.)
 */
import { randomUUID } from 'node:crypto';
import type * as grpc from '@grpc/grpc-js';
import { gossipPb, uuidMessage } from './protocol';

export function gossipHandler(address: () => { host: string; port: number }, instanceId = randomUUID()) {
  return (_call: grpc.ServerUnaryCall<unknown, gossipPb.ClusterInfo>, callback: grpc.sendUnaryData<gossipPb.ClusterInfo>) => {
    const { host, port } = address();
    const endpoint = new gossipPb.EndPoint();
    endpoint.setAddress(host);
    endpoint.setPort(port);
    const member = new gossipPb.MemberInfo();
    member.setInstanceId(uuidMessage(instanceId, false));
    member.setTimeStamp((BigInt(Date.now()) * 10_000n).toString());
    member.setState(gossipPb.MemberInfo.VNodeState.LEADER);
    member.setIsAlive(true);
    member.setHttpEndPoint(endpoint);
    const info = new gossipPb.ClusterInfo();
    info.setMembersList([member]);
    callback(null, info);
  };
}
