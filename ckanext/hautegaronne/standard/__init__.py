"""The portal speaks CKAN's API as CKAN documents it, for every client (data.gouv.fr's CKAN
harvester, ckanapi, other CKANs' harvesters, scripts): datasets only in the dataset lists,
every key core returns, coverage where CKAN clients read it, publishers as organisations."""
