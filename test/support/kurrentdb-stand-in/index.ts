export { startProtocolStandIn, type ProtocolStandIn } from './stand-in';
