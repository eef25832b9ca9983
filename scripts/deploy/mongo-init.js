// Run by the mongo-init service of compose.yaml (mongosh): initiates the
// replica set rs0 once, then creates or updates the user Alianza signs in
// as, with readWrite on its database only. Running it again changes nothing.
const fs = require('fs');
const secret = (name) => fs.readFileSync('/run/secrets/' + name, 'utf8').trim();

db.getSiblingDB('admin').auth('root', secret('mongo_root_password'));

let initiated = true;
try {
  rs.status();
} catch (e) {
  if (e.codeName !== 'NotYetInitialized') throw e;
  initiated = false;
}
if (!initiated) {
  rs.initiate({
    _id: 'rs0',
    members: [
      { _id: 0, host: 'mongo-1:27017', priority: 2 },
      { _id: 1, host: 'mongo-2:27017', priority: 1 },
      { _id: 2, host: 'mongo-3:27017', priority: 1 },
    ],
  });
}
// Users are written on the primary: wait until this member is it.
for (let i = 0; i < 60 && !db.hello().isWritablePrimary; i++) sleep(1000);
if (!db.hello().isWritablePrimary) throw new Error('mongo-1 did not become primary');

const app = db.getSiblingDB('alianza');
const password = secret('mongo_app_password');
const roles = [{ role: 'readWrite', db: 'alianza' }];
if (app.getUser('alianza')) app.updateUser('alianza', { pwd: password, roles });
else app.createUser({ user: 'alianza', pwd: password, roles });
print('replica set rs0 ready; user alianza on database alianza');
