"""AES-128 block cipher in pure Python (FIPS-197), with CBC mode on whole blocks.

Why it exists: an RMCP+ session encrypts a handful of 16-byte blocks, while importing
``cryptography`` costs 6-50 ms depending on its version, several times what FreeIPMI's whole
``ipmipower --stat`` takes.  One-shot command-line runs therefore use this cipher, and
:mod:`pyipmi_tools.crypto.confidentiality` uses ``cryptography`` wherever many sessions share
the import (fan-out, the simulator, the library API).  Both are checked against each other
and against the FIPS-197 vectors in the tests.

The implementation is the usual 32-bit "T-table" formulation: each round is 16 table
look-ups and XORs on four column words.  The state passes between rounds as 16 bytes (packed
by ``_struct``), so each look-up is indexed by a byte: in CPython that takes about a third less
time than taking the words apart with shifts and masks.  The tables ship as constants (checked
against the field arithmetic by the tests) and are unpacked on first use.
"""

from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:  # typing costs milliseconds at start-up; annotations are strings
    from typing import Any, Callable

__all__ = ["Aes128", "cbc_encrypt", "cbc_decrypt"]


# Filled by _build_tables() on first use: S-box, inverse S-box, encryption and decryption T-tables
# (four rotations each), and the round constants.
_SBOX: bytes = b""
_INV_SBOX: bytes = b""
_TE: tuple[list[int], list[int], list[int], list[int]] | None = None
_TD: tuple[list[int], list[int], list[int], list[int]] | None = None
_RCON_WORDS = (0x01000000, 0x02000000, 0x04000000, 0x08000000, 0x10000000,   # Rcon[i] (FIPS-197 5.2)
               0x20000000, 0x40000000, 0x80000000, 0x1B000000, 0x36000000)
# Also filled by _build_tables(): packers between 16 bytes and four big-endian words, and what
# _inv_mix_columns() needs (the 36 inner round-key words as 144 bytes, its tables and masks).
_PACK4: Callable[..., bytes] | None = None
_KEY_WORDS: Callable[[bytes], tuple[int, ...]] | None = None
_ROUND_KEY_WORDS: Any = None
_INV_MIX_KEY_TABLES: tuple[bytes, ...] = ()
_ROTATE_MASKS: tuple[int, int] = (0, 0)

# The tables, as _derive_tables() computes them from the field arithmetic (a test checks
# that they agree); shipping them saves that work on every run.
_SBOX_HEX = (
    "637c777bf26b6fc53001672bfed7ab76ca82c97dfa5947f0add4a2af9ca472c0b7fd9326363ff7cc34a5e5f171d83115"
    "04c723c31896059a071280e2eb27b27509832c1a1b6e5aa0523bd6b329e32f8453d100ed20fcb15b6acbbe394a4c58cf"
    "d0efaafb434d338545f9027f503c9fa851a3408f929d38f5bcb6da2110fff3d2cd0c13ec5f974417c4a77e3d645d1973"
    "60814fdc222a908846eeb814de5e0bdbe0323a0a4906245cc2d3ac629195e479e7c8376d8dd54ea96c56f4ea657aae08"
    "ba78252e1ca6b4c6e8dd741f4bbd8b8a703eb5664803f60e613557b986c11d9ee1f8981169d98e949b1e87e9ce5528df"
    "8ca1890dbfe6426841992d0fb054bb16"
)
_TE_HEX = (   # the four rotations of the encryption T-table, big-endian words
    "c66363a5f87c7c84ee777799f67b7b8dfff2f20dd66b6bbdde6f6fb191c5c5546030305002010103ce6767a9562b2b7d"
    "e7fefe19b5d7d7624dababe6ec76769a8fcaca451f82829d89c9c940fa7d7d87effafa15b25959eb8e4747c9fbf0f00b"
    "41adadecb3d4d4675fa2a2fd45afafea239c9cbf53a4a4f7e47272969bc0c05b75b7b7c2e1fdfd1c3d9393ae4c26266a"
    "6c36365a7e3f3f41f5f7f70283cccc4f6834345c51a5a5f4d1e5e534f9f1f108e2717193abd8d873623131532a15153f"
    "0804040c95c7c752462323659dc3c35e30181828379696a10a05050f2f9a9ab50e070709241212361b80809bdfe2e23d"
    "cdebeb264e2727697fb2b2cdea75759f1209091b1d83839e582c2c74341a1a2e361b1b2ddc6e6eb2b45a5aee5ba0a0fb"
    "a45252f6763b3b4db7d6d6617db3b3ce5229297bdde3e33e5e2f2f7113848497a65353f5b9d1d16800000000c1eded2c"
    "40202060e3fcfc1f79b1b1c8b65b5bedd46a6abe8dcbcb4667bebed97239394b944a4ade984c4cd4b05858e885cfcf4a"
    "bbd0d06bc5efef2a4faaaae5edfbfb16864343c59a4d4dd766333355118585948a4545cfe9f9f91004020206fe7f7f81"
    "a05050f0783c3c44259f9fba4ba8a8e3a25151f35da3a3fe804040c0058f8f8a3f9292ad219d9dbc70383848f1f5f504"
    "63bcbcdf77b6b6c1afdada754221216320101030e5ffff1afdf3f30ebfd2d26d81cdcd4c180c0c1426131335c3ecec2f"
    "be5f5fe1359797a2884444cc2e17173993c4c45755a7a7f2fc7e7e827a3d3d47c86464acba5d5de73219192be6737395"
    "c06060a0198181989e4f4fd1a3dcdc7f44222266542a2a7e3b9090ab0b8888838c4646cac7eeee296bb8b8d32814143c"
    "a7dede79bc5e5ee2160b0b1daddbdb76dbe0e03b64323256743a3a4e140a0a1e924949db0c06060a4824246cb85c5ce4"
    "9fc2c25dbdd3d36e43acacefc46262a6399191a8319595a4d3e4e437f279798bd5e7e7328bc8c8436e373759da6d6db7"
    "018d8d8cb1d5d5649c4e4ed249a9a9e0d86c6cb4ac5656faf3f4f407cfeaea25ca6565aff47a7a8e47aeaee910080818"
    "6fbabad5f07878884a25256f5c2e2e72381c1c2457a6a6f173b4b4c797c6c651cbe8e823a1dddd7ce874749c3e1f1f21"
    "964b4bdd61bdbddc0d8b8b860f8a8a85e07070907c3e3e4271b5b5c4cc6666aa904848d806030305f7f6f6011c0e0e12"
    "c26161a36a35355fae5757f969b9b9d01786869199c1c1583a1d1d27279e9eb9d9e1e138ebf8f8132b9898b322111133"
    "d26969bba9d9d970078e8e89339494a72d9b9bb63c1e1e2215878792c9e9e92087cece49aa5555ff50282878a5dfdf7a"
    "038c8c8f59a1a1f8098989801a0d0d1765bfbfdad7e6e631844242c6d06868b8824141c3299999b05a2d2d771e0f0f11"
    "7bb0b0cba85454fc6dbbbbd62c16163aa5c6636384f87c7c99ee77778df67b7b0dfff2f2bdd66b6bb1de6f6f5491c5c5"
    "5060303003020101a9ce67677d562b2b19e7fefe62b5d7d7e64dabab9aec7676458fcaca9d1f82824089c9c987fa7d7d"
    "15effafaebb25959c98e47470bfbf0f0ec41adad67b3d4d4fd5fa2a2ea45afafbf239c9cf753a4a496e472725b9bc0c0"
    "c275b7b71ce1fdfdae3d93936a4c26265a6c3636417e3f3f02f5f7f74f83cccc5c683434f451a5a534d1e5e508f9f1f1"
    "93e2717173abd8d8536231313f2a15150c0804045295c7c7654623235e9dc3c328301818a13796960f0a0505b52f9a9a"
    "090e0707362412129b1b80803ddfe2e226cdebeb694e2727cd7fb2b29fea75751b1209099e1d838374582c2c2e341a1a"
    "2d361b1bb2dc6e6eeeb45a5afb5ba0a0f6a452524d763b3b61b7d6d6ce7db3b37b5229293edde3e3715e2f2f97138484"
    "f5a6535368b9d1d1000000002cc1eded604020201fe3fcfcc879b1b1edb65b5bbed46a6a468dcbcbd967bebe4b723939"
    "de944a4ad4984c4ce8b058584a85cfcf6bbbd0d02ac5efefe54faaaa16edfbfbc5864343d79a4d4d5566333394118585"
    "cf8a454510e9f9f90604020281fe7f7ff0a0505044783c3cba259f9fe34ba8a8f3a25151fe5da3a3c08040408a058f8f"
    "ad3f9292bc219d9d4870383804f1f5f5df63bcbcc177b6b675afdada63422121302010101ae5ffff0efdf3f36dbfd2d2"
    "4c81cdcd14180c0c352613132fc3ecece1be5f5fa2359797cc884444392e17175793c4c4f255a7a782fc7e7e477a3d3d"
    "acc86464e7ba5d5d2b32191995e67373a0c0606098198181d19e4f4f7fa3dcdc664422227e542a2aab3b9090830b8888"
    "ca8c464629c7eeeed36bb8b83c28141479a7dedee2bc5e5e1d160b0b76addbdb3bdbe0e0566432324e743a3a1e140a0a"
    "db9249490a0c06066c482424e4b85c5c5d9fc2c26ebdd3d3ef43acaca6c46262a8399191a431959537d3e4e48bf27979"
    "32d5e7e7438bc8c8596e3737b7da6d6d8c018d8d64b1d5d5d29c4e4ee049a9a9b4d86c6cfaac565607f3f4f425cfeaea"
    "afca65658ef47a7ae947aeae18100808d56fbaba88f078786f4a2525725c2e2e24381c1cf157a6a6c773b4b45197c6c6"
    "23cbe8e87ca1dddd9ce87474213e1f1fdd964b4bdc61bdbd860d8b8b850f8a8a90e07070427c3e3ec471b5b5aacc6666"
    "d89048480506030301f7f6f6121c0e0ea3c261615f6a3535f9ae5757d069b9b9911786865899c1c1273a1d1db9279e9e"
    "38d9e1e113ebf8f8b32b989833221111bbd2696970a9d9d989078e8ea7339494b62d9b9b223c1e1e9215878720c9e9e9"
    "4987ceceffaa5555785028287aa5dfdf8f038c8cf859a1a180098989171a0d0dda65bfbf31d7e6e6c6844242b8d06868"
    "c3824141b0299999775a2d2d111e0f0fcb7bb0b0fca85454d66dbbbb3a2c161663a5c6637c84f87c7799ee777b8df67b"
    "f20dfff26bbdd66b6fb1de6fc55491c5305060300103020167a9ce672b7d562bfe19e7fed762b5d7abe64dab769aec76"
    "ca458fca829d1f82c94089c97d87fa7dfa15effa59ebb25947c98e47f00bfbf0adec41add467b3d4a2fd5fa2afea45af"
    "9cbf239ca4f753a47296e472c05b9bc0b7c275b7fd1ce1fd93ae3d93266a4c26365a6c363f417e3ff702f5f7cc4f83cc"
    "345c6834a5f451a5e534d1e5f108f9f17193e271d873abd831536231153f2a15040c0804c75295c723654623c35e9dc3"
    "1828301896a13796050f0a059ab52f9a07090e0712362412809b1b80e23ddfe2eb26cdeb27694e27b2cd7fb2759fea75"
    "091b1209839e1d832c74582c1a2e341a1b2d361b6eb2dc6e5aeeb45aa0fb5ba052f6a4523b4d763bd661b7d6b3ce7db3"
    "297b5229e33edde32f715e2f8497138453f5a653d168b9d100000000ed2cc1ed20604020fc1fe3fcb1c879b15bedb65b"
    "6abed46acb468dcbbed967be394b72394ade944a4cd4984c58e8b058cf4a85cfd06bbbd0ef2ac5efaae54faafb16edfb"
    "43c586434dd79a4d335566338594118545cf8a45f910e9f9020604027f81fe7f50f0a0503c44783c9fba259fa8e34ba8"
    "51f3a251a3fe5da340c080408f8a058f92ad3f929dbc219d38487038f504f1f5bcdf63bcb6c177b6da75afda21634221"
    "10302010ff1ae5fff30efdf3d26dbfd2cd4c81cd0c14180c13352613ec2fc3ec5fe1be5f97a2359744cc884417392e17"
    "c45793c4a7f255a77e82fc7e3d477a3d64acc8645de7ba5d192b32197395e67360a0c060819819814fd19e4fdc7fa3dc"
    "226644222a7e542a90ab3b9088830b8846ca8c46ee29c7eeb8d36bb8143c2814de79a7de5ee2bc5e0b1d160bdb76addb"
    "e03bdbe0325664323a4e743a0a1e140a49db9249060a0c06246c48245ce4b85cc25d9fc2d36ebdd3acef43ac62a6c462"
    "91a8399195a43195e437d3e4798bf279e732d5e7c8438bc837596e376db7da6d8d8c018dd564b1d54ed29c4ea9e049a9"
    "6cb4d86c56faac56f407f3f4ea25cfea65afca657a8ef47aaee947ae08181008bad56fba7888f078256f4a252e725c2e"
    "1c24381ca6f157a6b4c773b4c65197c6e823cbe8dd7ca1dd749ce8741f213e1f4bdd964bbddc61bd8b860d8b8a850f8a"
    "7090e0703e427c3eb5c471b566aacc6648d8904803050603f601f7f60e121c0e61a3c261355f6a3557f9ae57b9d069b9"
    "86911786c15899c11d273a1d9eb9279ee138d9e1f813ebf898b32b981133221169bbd269d970a9d98e89078e94a73394"
    "9bb62d9b1e223c1e87921587e920c9e9ce4987ce55ffaa5528785028df7aa5df8c8f038ca1f859a1898009890d171a0d"
    "bfda65bfe631d7e642c6844268b8d06841c3824199b029992d775a2d0f111e0fb0cb7bb054fca854bbd66dbb163a2c16"
    "6363a5c67c7c84f8777799ee7b7b8df6f2f20dff6b6bbdd66f6fb1dec5c5549130305060010103026767a9ce2b2b7d56"
    "fefe19e7d7d762b5ababe64d76769aeccaca458f82829d1fc9c940897d7d87fafafa15ef5959ebb24747c98ef0f00bfb"
    "adadec41d4d467b3a2a2fd5fafafea459c9cbf23a4a4f753727296e4c0c05b9bb7b7c275fdfd1ce19393ae3d26266a4c"
    "36365a6c3f3f417ef7f702f5cccc4f8334345c68a5a5f451e5e534d1f1f108f9717193e2d8d873ab3131536215153f2a"
    "04040c08c7c7529523236546c3c35e9d181828309696a13705050f0a9a9ab52f0707090e1212362480809b1be2e23ddf"
    "ebeb26cd2727694eb2b2cd7f75759fea09091b1283839e1d2c2c74581a1a2e341b1b2d366e6eb2dc5a5aeeb4a0a0fb5b"
    "5252f6a43b3b4d76d6d661b7b3b3ce7d29297b52e3e33edd2f2f715e848497135353f5a6d1d168b900000000eded2cc1"
    "20206040fcfc1fe3b1b1c8795b5bedb66a6abed4cbcb468dbebed96739394b724a4ade944c4cd4985858e8b0cfcf4a85"
    "d0d06bbbefef2ac5aaaae54ffbfb16ed4343c5864d4dd79a33335566858594114545cf8af9f910e9020206047f7f81fe"
    "5050f0a03c3c44789f9fba25a8a8e34b5151f3a2a3a3fe5d4040c0808f8f8a059292ad3f9d9dbc2138384870f5f504f1"
    "bcbcdf63b6b6c177dada75af2121634210103020ffff1ae5f3f30efdd2d26dbfcdcd4c810c0c141813133526ecec2fc3"
    "5f5fe1be9797a2354444cc881717392ec4c45793a7a7f2557e7e82fc3d3d477a6464acc85d5de7ba19192b32737395e6"
    "6060a0c0818198194f4fd19edcdc7fa3222266442a2a7e549090ab3b8888830b4646ca8ceeee29c7b8b8d36b14143c28"
    "dede79a75e5ee2bc0b0b1d16dbdb76ade0e03bdb323256643a3a4e740a0a1e144949db9206060a0c24246c485c5ce4b8"
    "c2c25d9fd3d36ebdacacef436262a6c49191a8399595a431e4e437d379798bf2e7e732d5c8c8438b3737596e6d6db7da"
    "8d8d8c01d5d564b14e4ed29ca9a9e0496c6cb4d85656faacf4f407f3eaea25cf6565afca7a7a8ef4aeaee94708081810"
    "babad56f787888f025256f4a2e2e725c1c1c2438a6a6f157b4b4c773c6c65197e8e823cbdddd7ca174749ce81f1f213e"
    "4b4bdd96bdbddc618b8b860d8a8a850f707090e03e3e427cb5b5c4716666aacc4848d89003030506f6f601f70e0e121c"
    "6161a3c235355f6a5757f9aeb9b9d06986869117c1c158991d1d273a9e9eb927e1e138d9f8f813eb9898b32b11113322"
    "6969bbd2d9d970a98e8e89079494a7339b9bb62d1e1e223c87879215e9e920c9cece49875555ffaa28287850dfdf7aa5"
    "8c8c8f03a1a1f859898980090d0d171abfbfda65e6e631d74242c6846868b8d04141c3829999b0292d2d775a0f0f111e"
    "b0b0cb7b5454fca8bbbbd66d16163a2c"
)
_TD_HEX = (   # the same for decryption
    "51f4a7507e4165531a17a4c33a275e963bab6bcb1f9d45f1acfa58ab4be303932030fa55ad766df688cc7691f5024c25"
    "4fe5d7fcc52acbd726354480b562a38fdeb15a4925ba1b6745ea0e985dfec0e1c32f7502814cf0128d4697a36bd3f9c6"
    "038f5fe715929c95bf6d7aeb955259dad4be832d587421d349e069298ec9c84475c2896af48e797899583e6b27b971dd"
    "bee14fb6f088ad17c920ac667dce3ab463df4a18e51a31829751336062537f45b16477e0bb6bae84fe81a01cf9082b94"
    "704868588f45fd1994de6c87527bf8b7ab73d323724b02e2e31f8f576655ab2ab2eb28072fb5c20386c57b9ad33708a5"
    "302887f223bfa5b202036abaed16825c8acf1c2ba779b492f307f2f04e69e2a165daf4cd0605bed5d134621fc4a6fe8a"
    "342e539da2f355a0058ae132a4f6eb750b83ec394060efaa5e719f06bd6e10513e218af996dd063ddd3e05ae4de6bd46"
    "91548db571c45d050406d46f605015ff1998fb24d6bde997894043cc67d99e77b0e842bd07898b88e7195b3879c8eedb"
    "a17c0a477c420fe9f8841ec90000000009808683322bed481e1170ac6c5a724efd0efffb0f8538563daed51e362d3927"
    "0a0fd964685ca6219b5b54d124362e3a0c0a67b19357e70fb4ee96d21b9b919e80c0c54f61dc20a25a774b691c121a16"
    "e293ba0ac0a02ae53c22e043121b171d0e090d0bf28bc7ad2db6a8b9141ea9c857f11985af75074cee99ddbba37f60fd"
    "f701269f5c72f5bc44663bc55bfb7e348b432976cb23c6dcb6edfc68b8e4f163d731dcca426385101397224084c61120"
    "854a247dd2bb3df8aef93211c729a16d1d9e2f4bdcb230f30d8652ec77c1e3d02bb3166ca970b999119448fa47e96422"
    "a8fc8cc4a0f03f1a567d2cd8223390ef87494ec7d938d1c18ccaa2fe98d40b36a6f581cfa57ade28dab78e263fadbfa4"
    "2c3a9de45078920d6a5fcc9b547e4662f68d13c290d8b8e82e39f75e82c3aff59f5d80be69d0937c6fd52da9cf2512b3"
    "c8ac993b10187da7e89c636edb3bbb7bcd2678096e5918f4ec9ab701834f9aa8e6956e65aaffe67e21bccf08ef15e8e6"
    "bae79bd94a6f36ceea9f09d429b07cd631a4b2af2a3f2331c6a5943035a266c0744ebc37fc82caa6e090d0b033a7d815"
    "f104984a41ecdaf77fcd500e1791f62f764dd68d43efb04dccaa4d54e49604df9ed1b5e34c6a881bc12c1fb84665517f"
    "9d5eea04018c355dfa877473fb0b412eb3671d5a92dbd252e91056336dd647139ad7618c37a10c7a59f8148eeb133c89"
    "cea927eeb761c935e11ce5ed7a47b13c9cd2df5955f2733f1814ce7973c737bf53f7cdea5ffdaa5bdf3d6f147844db86"
    "caaff381b968c43e3824342cc2a3405f161dc372bce2250c283c498bff0d954139a80171080cb3ded8b4e49c6456c190"
    "7bcb8461d532b670486c5c74d0b857425051f4a7537e4165c31a17a4963a275ecb3bab6bf11f9d45abacfa58934be303"
    "552030faf6ad766d9188cc7625f5024cfc4fe5d7d7c52acb802635448fb562a349deb15a6725ba1b9845ea0ee15dfec0"
    "02c32f7512814cf0a38d4697c66bd3f9e7038f5f9515929cebbf6d7ada9552592dd4be83d35874212949e069448ec9c8"
    "6a75c28978f48e796b99583edd27b971b6bee14f17f088ad66c920acb47dce3a1863df4a82e51a31609751334562537f"
    "e0b1647784bb6bae1cfe81a094f9082b58704868198f45fd8794de6cb7527bf823ab73d3e2724b0257e31f8f2a6655ab"
    "07b2eb28032fb5c29a86c57ba5d33708f2302887b223bfa5ba02036a5ced16822b8acf1c92a779b4f0f307f2a14e69e2"
    "cd65daf4d50605be1fd134628ac4a6fe9d342e53a0a2f35532058ae175a4f6eb390b83ecaa4060ef065e719f51bd6e10"
    "f93e218a3d96dd06aedd3e05464de6bdb591548d0571c45d6f0406d4ff605015241998fb97d6bde9cc8940437767d99e"
    "bdb0e8428807898b38e7195bdb79c8ee47a17c0ae97c420fc9f8841e000000008309808648322bedac1e11704e6c5a72"
    "fbfd0eff560f85381e3daed527362d39640a0fd921685ca6d19b5b543a24362eb10c0a670f9357e7d2b4ee969e1b9b91"
    "4f80c0c5a261dc20695a774b161c121a0ae293bae5c0a02a433c22e01d121b170b0e090dadf28bc7b92db6a8c8141ea9"
    "8557f1194caf7507bbee99ddfda37f609ff70126bc5c72f5c544663b345bfb7e768b4329dccb23c668b6edfc63b8e4f1"
    "cad731dc10426385401397222084c6117d854a24f8d2bb3d11aef9326dc729a14b1d9e2ff3dcb230ec0d8652d077c1e3"
    "6c2bb31699a970b9fa1194482247e964c4a8fc8c1aa0f03fd8567d2cef223390c787494ec1d938d1fe8ccaa23698d40b"
    "cfa6f58128a57ade26dab78ea43fadbfe42c3a9d0d5078929b6a5fcc62547e46c2f68d13e890d8b85e2e39f7f582c3af"
    "be9f5d807c69d093a96fd52db3cf25123bc8ac99a710187d6ee89c637bdb3bbb09cd2678f46e591801ec9ab7a8834f9a"
    "65e6956e7eaaffe60821bccfe6ef15e8d9bae79bce4a6f36d4ea9f09d629b07caf31a4b2312a3f2330c6a594c035a266"
    "37744ebca6fc82cab0e090d01533a7d84af10498f741ecda0e7fcd502f1791f68d764dd64d43efb054ccaa4ddfe49604"
    "e39ed1b51b4c6a88b8c12c1f7f466551049d5eea5d018c3573fa87742efb0b415ab3671d5292dbd233e91056136dd647"
    "8c9ad7617a37a10c8e59f81489eb133ceecea92735b761c9ede11ce53c7a47b1599cd2df3f55f273791814cebf73c737"
    "ea53f7cd5b5ffdaa14df3d6f867844db81caaff33eb968c42c3824345fc2a34072161dc30cbce2258b283c4941ff0d95"
    "7139a801de080cb39cd8b4e4906456c1617bcb8470d532b674486c5c42d0b857a75051f465537e41a4c31a175e963a27"
    "6bcb3bab45f11f9d58abacfa03934be3fa5520306df6ad76769188cc4c25f502d7fc4fe5cbd7c52a44802635a38fb562"
    "5a49deb11b6725ba0e9845eac0e15dfe7502c32ff012814c97a38d46f9c66bd35fe7038f9c9515927aebbf6d59da9552"
    "832dd4be21d35874692949e0c8448ec9896a75c27978f48e3e6b995871dd27b94fb6bee1ad17f088ac66c9203ab47dce"
    "4a1863df3182e51a336097517f45625377e0b164ae84bb6ba01cfe812b94f90868587048fd198f456c8794def8b7527b"
    "d323ab7302e2724b8f57e31fab2a66552807b2ebc2032fb57b9a86c508a5d33787f23028a5b223bf6aba0203825ced16"
    "1c2b8acfb492a779f2f0f307e2a14e69f4cd65dabed50605621fd134fe8ac4a6539d342e55a0a2f3e132058aeb75a4f6"
    "ec390b83efaa40609f065e711051bd6e8af93e21063d96dd05aedd3ebd464de68db591545d0571c4d46f040615ff6050"
    "fb241998e997d6bd43cc89409e7767d942bdb0e88b8807895b38e719eedb79c80a47a17c0fe97c421ec9f88400000000"
    "86830980ed48322b70ac1e11724e6c5afffbfd0e38560f85d51e3dae3927362dd9640a0fa621685c54d19b5b2e3a2436"
    "67b10c0ae70f935796d2b4ee919e1b9bc54f80c020a261dc4b695a771a161c12ba0ae2932ae5c0a0e0433c22171d121b"
    "0d0b0e09c7adf28ba8b92db6a9c8141e198557f1074caf75ddbbee9960fda37f269ff701f5bc5c723bc544667e345bfb"
    "29768b43c6dccb23fc68b6edf163b8e4dccad7318510426322401397112084c6247d854a3df8d2bb3211aef9a16dc729"
    "2f4b1d9e30f3dcb252ec0d86e3d077c1166c2bb3b999a97048fa1194642247e98cc4a8fc3f1aa0f02cd8567d90ef2233"
    "4ec78749d1c1d938a2fe8cca0b3698d481cfa6f5de28a57a8e26dab7bfa43fad9de42c3a920d5078cc9b6a5f4662547e"
    "13c2f68db8e890d8f75e2e39aff582c380be9f5d937c69d02da96fd512b3cf25993bc8ac7da71018636ee89cbb7bdb3b"
    "7809cd2618f46e59b701ec9a9aa8834f6e65e695e67eaaffcf0821bce8e6ef159bd9bae736ce4a6f09d4ea9f7cd629b0"
    "b2af31a423312a3f9430c6a566c035a2bc37744ecaa6fc82d0b0e090d81533a7984af104daf741ec500e7fcdf62f1791"
    "d68d764db04d43ef4d54ccaa04dfe496b5e39ed1881b4c6a1fb8c12c517f4665ea049d5e355d018c7473fa87412efb0b"
    "1d5ab367d25292db5633e91047136dd6618c9ad70c7a37a1148e59f83c89eb1327eecea9c935b761e5ede11cb13c7a47"
    "df599cd2733f55f2ce79181437bf73c7cdea53f7aa5b5ffd6f14df3ddb867844f381caafc43eb968342c3824405fc2a3"
    "c372161d250cbce2498b283c9541ff0d017139a8b3de080ce49cd8b4c190645684617bcbb670d5325c74486c5742d0b8"
    "f4a750514165537e17a4c31a275e963aab6bcb3b9d45f11ffa58abace303934b30fa5520766df6adcc769188024c25f5"
    "e5d7fc4f2acbd7c53544802662a38fb5b15a49deba1b6725ea0e9845fec0e15d2f7502c34cf012814697a38dd3f9c66b"
    "8f5fe703929c95156d7aebbf5259da95be832dd47421d358e0692949c9c8448ec2896a758e7978f4583e6b99b971dd27"
    "e14fb6be88ad17f020ac66c9ce3ab47ddf4a18631a3182e551336097537f45626477e0b16bae84bb81a01cfe082b94f9"
    "4868587045fd198fde6c87947bf8b75273d323ab4b02e2721f8f57e355ab2a66eb2807b2b5c2032fc57b9a863708a5d3"
    "2887f230bfa5b223036aba0216825cedcf1c2b8a79b492a707f2f0f369e2a14edaf4cd6505bed50634621fd1a6fe8ac4"
    "2e539d34f355a0a28ae13205f6eb75a483ec390b60efaa40719f065e6e1051bd218af93edd063d963e05aedde6bd464d"
    "548db591c45d057106d46f045015ff6098fb2419bde997d64043cc89d99e7767e842bdb0898b8807195b38e7c8eedb79"
    "7c0a47a1420fe97c841ec9f800000000808683092bed48321170ac1e5a724e6c0efffbfd8538560faed51e3d2d392736"
    "0fd9640a5ca621685b54d19b362e3a240a67b10c57e70f93ee96d2b49b919e1bc0c54f80dc20a261774b695a121a161c"
    "93ba0ae2a02ae5c022e0433c1b171d12090d0b0e8bc7adf2b6a8b92d1ea9c814f119855775074caf99ddbbee7f60fda3"
    "01269ff772f5bc5c663bc544fb7e345b4329768b23c6dccbedfc68b6e4f163b831dccad76385104297224013c6112084"
    "4a247d85bb3df8d2f93211ae29a16dc79e2f4b1db230f3dc8652ec0dc1e3d077b3166c2b70b999a99448fa11e9642247"
    "fc8cc4a8f03f1aa07d2cd8563390ef22494ec78738d1c1d9caa2fe8cd40b3698f581cfa67ade28a5b78e26daadbfa43f"
    "3a9de42c78920d505fcc9b6a7e4662548d13c2f6d8b8e89039f75e2ec3aff5825d80be9fd0937c69d52da96f2512b3cf"
    "ac993bc8187da7109c636ee83bbb7bdb267809cd5918f46e9ab701ec4f9aa883956e65e6ffe67eaabccf082115e8e6ef"
    "e79bd9ba6f36ce4a9f09d4eab07cd629a4b2af313f23312aa59430c6a266c0354ebc377482caa6fc90d0b0e0a7d81533"
    "04984af1ecdaf741cd500e7f91f62f174dd68d76efb04d43aa4d54cc9604dfe4d1b5e39e6a881b4c2c1fb8c165517f46"
    "5eea049d8c355d01877473fa0b412efb671d5ab3dbd25292105633e9d647136dd7618c9aa10c7a37f8148e59133c89eb"
    "a927eece61c935b71ce5ede147b13c7ad2df599cf2733f5514ce7918c737bf73f7cdea53fdaa5b5f3d6f14df44db8678"
    "aff381ca68c43eb924342c38a3405fc21dc37216e2250cbc3c498b280d9541ffa80171390cb3de08b4e49cd856c19064"
    "cb84617b32b670d56c5c7448b85742d0"
)


def _derive_tables() -> tuple[bytes, bytes, list[int], list[int]]:
    """S-box, inverse S-box and the first encryption and decryption T-tables, from GF(2^8)."""
    # Logarithms in GF(2^8) to base 3 (a generator of the multiplicative group).
    exp = [0] * 510
    log = [0] * 256
    x = 1
    for i in range(255):
        exp[i] = exp[i + 255] = x
        log[x] = i
        x ^= (x << 1) ^ (0x11B if x & 0x80 else 0)   # multiply by 3
    sbox = bytearray(256)
    for a in range(256):
        inv = exp[255 - log[a]] if a else 0
        # The affine map of FIPS-197 5.1.1: b ^ rotl(b,1) ^ rotl(b,2) ^ rotl(b,3) ^ rotl(b,4) ^ 0x63.
        s = inv
        for shift in (1, 2, 3, 4):
            s ^= ((inv << shift) | (inv >> (8 - shift))) & 0xFF
        sbox[a] = s ^ 0x63
    inv_sbox = bytearray(256)
    for a, s in enumerate(sbox):
        inv_sbox[s] = a

    def mul(a: int, b: int) -> int:
        return exp[log[a] + log[b]] if a and b else 0

    te0 = []
    td0 = []
    for a in range(256):
        s = sbox[a]
        te0.append((mul(s, 2) << 24) | (s << 16) | (s << 8) | mul(s, 3))
        v = inv_sbox[a]
        td0.append((mul(v, 14) << 24) | (mul(v, 9) << 16) | (mul(v, 13) << 8) | mul(v, 11))

    return bytes(sbox), bytes(inv_sbox), te0, td0


def _rotations(t0: list[int]) -> tuple[list[int], list[int], list[int], list[int]]:
    t1 = [((w >> 8) | (w << 24)) & 0xFFFFFFFF for w in t0]
    t2 = [((w >> 8) | (w << 24)) & 0xFFFFFFFF for w in t1]
    t3 = [((w >> 8) | (w << 24)) & 0xFFFFFFFF for w in t2]
    return t0, t1, t2, t3


def _build_tables() -> None:
    global _SBOX, _INV_SBOX, _TE, _TD, _PACK4, _KEY_WORDS, _ROUND_KEY_WORDS, _INV_MIX_KEY_TABLES, _ROTATE_MASKS
    from _struct import Struct, unpack
    sbox = bytes.fromhex(_SBOX_HEX)
    inv_sbox = bytearray(256)
    for a, v in enumerate(sbox):
        inv_sbox[v] = a
    _SBOX, _INV_SBOX = sbox, bytes(inv_sbox)
    te = unpack(">1024I", bytes.fromhex(_TE_HEX))
    td_bytes = bytes.fromhex(_TD_HEX)
    td = unpack(">1024I", td_bytes)
    _TE = (list(te[0:256]), list(te[256:512]), list(te[512:768]), list(te[768:]))
    _TD = (list(td[0:256]), list(td[256:512]), list(td[512:768]), list(td[768:]))
    _PACK4 = Struct(">4I").pack
    _KEY_WORDS = Struct(">4I").unpack
    _ROUND_KEY_WORDS = Struct(">36I")
    # Byte j of td0[a] is m_j * InvSBox[a] with (m_0, m_1, m_2, m_3) = (14, 9, 13, 11); looking
    # the byte up through the S-box first leaves plain multiplication: x -> 9 x, 13 x, 11 x, 14 x.
    _INV_MIX_KEY_TABLES = tuple(sbox.translate(td_bytes[j:1024:4]) for j in (1, 2, 3, 0))
    _ROTATE_MASKS = (int.from_bytes(b"\xff\xff\xff\x00" * 36, "big"), int.from_bytes(b"\x00\x00\x00\xff" * 36, "big"))


def _inv_mix_columns(words: list[int]) -> tuple[int, ...]:
    """InvMixColumns of each of the 36 inner round-key words, all at once.

    Each byte of the result is 14 k_r ^ 11 k_r+1 ^ 13 k_r+2 ^ 9 k_r+3 over the bytes of its
    word (rows mod 4): the four products are byte translations of the packed words, and the
    row offsets rotations of each word by 8 bits, done on one 1152-bit integer (Horner's rule).
    """
    assert _ROUND_KEY_WORDS is not None
    packed = _ROUND_KEY_WORDS.pack(*words)
    high, low = _ROTATE_MASKS
    m = 0
    for table in _INV_MIX_KEY_TABLES:       # 9, 13, 11, 14
        m = int.from_bytes(packed.translate(table), "big") ^ (((m << 8) & high) | ((m >> 24) & low))
    return _ROUND_KEY_WORDS.unpack(m.to_bytes(144, "big"))


class Aes128:
    """One AES-128 key, expanded for both directions.

    Round keys are kept as the rounds use them: the first and last as 128-bit integers, the
    nine inner ones as 4-tuples of column words.  Blocks pass between rounds as 16 bytes, so
    the table indices are plain byte look-ups rather than shifts and masks.
    """

    __slots__ = ("_enc_first", "_enc_rounds", "_enc_last", "_dec_first", "_dec_rounds", "_dec_last")

    def __init__(self, key: bytes) -> None:
        if len(key) != 16:
            raise ValueError(f"AES-128 key must be 16 bytes, got {len(key)}")
        if _TE is None:
            _build_tables()
        assert _KEY_WORDS is not None
        s = _SBOX
        w0, w1, w2, w3 = _KEY_WORDS(key)
        w: list[int] = []
        for rcon in _RCON_WORDS:            # FIPS-197 5.2: SubWord(RotWord(w3)) ^ Rcon
            w0 ^= (s[(w3 >> 16) & 0xFF] << 24 | s[(w3 >> 8) & 0xFF] << 16 | s[w3 & 0xFF] << 8 | s[w3 >> 24]) ^ rcon
            w1 ^= w0
            w2 ^= w1
            w3 ^= w2
            w += (w0, w1, w2, w3)
        first = int.from_bytes(key, "big")
        last = (w0 << 96) | (w1 << 64) | (w2 << 32) | w3
        inner = iter(w[:36])
        self._enc_first, self._enc_rounds, self._enc_last = first, tuple(zip(inner, inner, inner, inner)), last
        # The equivalent inverse cipher (FIPS-197 5.3.5): reversed round keys, with
        # InvMixColumns applied to all but the first and last.
        inner = iter(_inv_mix_columns(w[:36]))
        self._dec_first, self._dec_rounds, self._dec_last = last, tuple(zip(inner, inner, inner, inner))[::-1], first

    def _encrypt(self, x: int) -> int:
        """Encrypt the block whose big-endian value is ``x``; the result as an integer too."""
        assert _TE is not None and _PACK4 is not None
        t0, t1, t2, t3 = _TE
        pack = _PACK4
        b = (x ^ self._enc_first).to_bytes(16, "big")
        for k0, k1, k2, k3 in self._enc_rounds:
            b = pack(t0[b[0]] ^ t1[b[5]] ^ t2[b[10]] ^ t3[b[15]] ^ k0,
                     t0[b[4]] ^ t1[b[9]] ^ t2[b[14]] ^ t3[b[3]] ^ k1,
                     t0[b[8]] ^ t1[b[13]] ^ t2[b[2]] ^ t3[b[7]] ^ k2,
                     t0[b[12]] ^ t1[b[1]] ^ t2[b[6]] ^ t3[b[11]] ^ k3)
        # Last round: SubBytes, then ShiftRows (byte i comes from byte 5 i mod 16), then the key.
        return int.from_bytes((b.translate(_SBOX) * 5)[::5], "big") ^ self._enc_last

    def _decrypt(self, x: int) -> int:
        """Inverse of :meth:`_encrypt`."""
        assert _TD is not None and _PACK4 is not None
        t0, t1, t2, t3 = _TD
        pack = _PACK4
        b = (x ^ self._dec_first).to_bytes(16, "big")
        for k0, k1, k2, k3 in self._dec_rounds:
            b = pack(t0[b[0]] ^ t1[b[13]] ^ t2[b[10]] ^ t3[b[7]] ^ k0,
                     t0[b[4]] ^ t1[b[1]] ^ t2[b[14]] ^ t3[b[11]] ^ k1,
                     t0[b[8]] ^ t1[b[5]] ^ t2[b[2]] ^ t3[b[15]] ^ k2,
                     t0[b[12]] ^ t1[b[9]] ^ t2[b[6]] ^ t3[b[3]] ^ k3)
        # InvShiftRows (byte i comes from byte 13 i mod 16), InvSubBytes, the key.
        return int.from_bytes((b * 13)[::13].translate(_INV_SBOX), "big") ^ self._dec_last

    def encrypt_block(self, block: bytes) -> bytes:
        return self._encrypt(int.from_bytes(block, "big")).to_bytes(16, "big")

    def decrypt_block(self, block: bytes) -> bytes:
        return self._decrypt(int.from_bytes(block, "big")).to_bytes(16, "big")


_EXPANDED: dict[bytes, Aes128] = {}
_EXPANDED_MAX = 1024


def _expanded(key: bytes) -> Aes128:
    """The expanded key, cached: a session encrypts every packet with the same K2."""
    cipher = _EXPANDED.get(key)
    if cipher is None:
        if len(_EXPANDED) >= _EXPANDED_MAX:
            _EXPANDED.clear()
        cipher = _EXPANDED[key] = Aes128(key)
    return cipher


def cbc_encrypt(key: bytes, iv: bytes, plaintext: bytes) -> bytes:
    """AES-128-CBC over whole 16-byte blocks (the caller pads)."""
    encrypt = _expanded(key)._encrypt
    previous = int.from_bytes(iv, "big")
    out = []
    for i in range(0, len(plaintext), 16):
        previous = encrypt(int.from_bytes(plaintext[i:i + 16], "big") ^ previous)
        out.append(previous.to_bytes(16, "big"))
    return b"".join(out)


def cbc_decrypt(key: bytes, iv: bytes, ciphertext: bytes) -> bytes:
    """Inverse of :func:`cbc_encrypt` (no padding is removed)."""
    decrypt = _expanded(key)._decrypt
    previous = int.from_bytes(iv, "big")
    out = []
    for i in range(0, len(ciphertext), 16):
        block = int.from_bytes(ciphertext[i:i + 16], "big")
        out.append((decrypt(block) ^ previous).to_bytes(16, "big"))
        previous = block
    return b"".join(out)
