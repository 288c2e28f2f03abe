// The kubectl commands whose protobuf bodies the decoder is checked against.
export const COMMANDS: readonly (readonly string[])[] = [
  ['create', 'namespace', 'team-a'],
  ['create', 'deployment', 'web', '--image=nginx', '--port=80', '--replicas=2'],
  ['create', 'deployment', 'multi', '--image=nginx', '--image=busybox', '-n', 'team-a'],
  ['create', 'deployment', 'zero', '--image=nginx', '--replicas=0'],
  ['create', 'service', 'clusterip', 'web', '--tcp=80:8080', '--tcp=443:web-tls'],
  ['create', 'service', 'clusterip', 'headless', '--clusterip=None', '--tcp=53:53'],
  ['create', 'service', 'nodeport', 'np', '--tcp=80:8080', '--node-port=30080'],
  ['create', 'service', 'externalname', 'ext', '--external-name=example.test'],
  ['create', 'service', 'loadbalancer', 'lb', '--tcp=443:8443'],
  ['create', 'secret', 'generic', 'creds', '--from-literal=user=admin', '--from-literal=pass=s3cr3t', '--type=Opaque'],
  ['create', 'secret', 'docker-registry', 'reg', '--docker-username=u', '--docker-password=p', '--docker-server=registry.example.test'],
  ['create', 'configmap', 'cfg', '--from-literal=a=1', '--from-literal=b=two words'],
  ['create', 'serviceaccount', 'robot'],
  ['create', 'ingress', 'simple', '--rule=foo.example.test/bar=svc1:8080,tls=my-cert', '--class=default'],
  ['create', 'ingress', 'multi', '--default-backend=defsvc:http', '--rule=a.example.test/*=svca:80', '--rule=/api=svcb:web', '--annotation=team=a'],
];
